"""Random points inside polygons, vectorised (shapely.contains_xy), reproducible from a Generator."""
from __future__ import annotations

import math

import numpy as np
import shapely

M_PER_DEG_LAT = 110_600.0


def m_per_deg_lon(lat: float) -> float:
    return 111_320.0 * math.cos(math.radians(lat))


def uniform_in(rng: np.random.Generator, geom, n: int) -> np.ndarray:
    """n points uniformly inside geom, as an (n, 2) array of lon/lat."""
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    out = np.empty((0, 2))
    while len(out) < n:
        k = max(64, int((n - len(out)) * 2.5))
        xy = np.column_stack([rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k)])
        out = np.vstack([out, xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]])
    return out[:n]


def spread_in(rng: np.random.Generator, geom, n: int) -> np.ndarray:
    """n well-spread points (farthest-point sampling over random candidates)."""
    cand = uniform_in(rng, geom, max(n * 12, 32))
    lat0 = cand[:, 1].mean()
    scaled = cand * np.array([m_per_deg_lon(lat0), M_PER_DEG_LAT])
    chosen = [0]
    dist = np.linalg.norm(scaled - scaled[0], axis=1)
    for _ in range(1, n):
        i = int(dist.argmax())
        chosen.append(i)
        dist = np.minimum(dist, np.linalg.norm(scaled - scaled[i], axis=1))
    return cand[chosen]


def clustered_in(
    rng: np.random.Generator, geom, centres: np.ndarray, sigma_m: float, n: int
) -> np.ndarray:
    """n points around the given centres (Gaussian, sigma in metres), all inside geom."""
    lat0 = float(centres[:, 1].mean())
    sigma = np.array([sigma_m / m_per_deg_lon(lat0), sigma_m / M_PER_DEG_LAT])
    shapely.prepare(geom)
    out = np.empty((0, 2))
    for _ in range(30):
        k = max(32, int((n - len(out)) * 1.6))
        base = centres[rng.integers(0, len(centres), k)]
        xy = base + rng.normal(size=(k, 2)) * sigma
        out = np.vstack([out, xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]])
        if len(out) >= n:
            return out[:n]
    # A thin sliver of a village: fall back to uniform points.
    return np.vstack([out, uniform_in(rng, geom, n - len(out))])[:n]


def blob(rng: np.random.Generator, centre: tuple[float, float], area_ha: float, vertices: int = 11):
    """An irregular star-shaped polygon of roughly the given area, like a field or a hill plot."""
    r_m = math.sqrt(area_ha * 10_000 / math.pi)
    # Jittered but ordered angles: every gap stays under π, so the ring never crosses itself.
    step = 2 * math.pi / vertices
    angles = np.arange(vertices) * step + rng.uniform(0, 0.8 * step, vertices)
    radii = r_m * rng.uniform(0.75, 1.25, vertices)
    lon0, lat0 = centre
    xs = lon0 + radii * np.cos(angles) / m_per_deg_lon(lat0)
    ys = lat0 + radii * np.sin(angles) / M_PER_DEG_LAT
    return shapely.Polygon(np.column_stack([xs, ys]))


def offset(rng: np.random.Generator, point: tuple[float, float], min_m: float, max_m: float):
    angle = rng.uniform(0, 2 * math.pi)
    d = rng.uniform(min_m, max_m)
    lon, lat = point
    return (lon + d * math.cos(angle) / m_per_deg_lon(lat), lat + d * math.sin(angle) / M_PER_DEG_LAT)
