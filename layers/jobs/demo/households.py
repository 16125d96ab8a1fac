"""Households: clustered points in villages, address codes, and fictitious personal data."""
from __future__ import annotations

import numpy as np
import shapely
import pandas as pd

from geo import address_code, plus_code
from layers.jobs.demo.names import (
    FAMILY_HIGHLAND, FAMILY_LOWLAND, GIVEN_FEMALE, GIVEN_MALE, MIDDLE_FEMALE, MIDDLE_MALE,
)
from layers.jobs.demo.regions import DENSITY, HIGHLAND
from layers.jobs.demo.sampling import clustered_in, spread_in


def allocate(rng: np.random.Generator, villages: pd.DataFrame, total: int) -> np.ndarray:
    """Households per village: denser on the plain and in towns, at least a handful each."""
    weight = villages["region"].map(DENSITY).to_numpy() * rng.lognormal(0, 0.45, len(villages))
    counts = np.floor(total * weight / weight.sum()).astype(int)
    counts[np.argsort(-weight)[: total - counts.sum()]] += 1
    return counts


def locations(rng: np.random.Generator, villages: pd.DataFrame, counts: np.ndarray, progress) -> tuple:
    lons, lats, village_ids, communes = [], [], [], []
    for v, n in zip(villages.itertuples(), counts):
        if n == 0:
            continue
        hamlets = 1 + int(n > 80) + int(n > 250)
        centres = np.vstack([[v.lon, v.lat], spread_in(rng, v.geom, hamlets)])[:hamlets]
        sigma = 350.0 if v.region == HIGHLAND else 220.0
        xy = clustered_in(rng, v.geom, centres, sigma, int(n))
        lons.append(xy[:, 0]); lats.append(xy[:, 1])
        village_ids.append(np.full(len(xy), v.id)); communes.append([v.commune_code] * len(xy))
        progress.update(int(n))
    return (np.concatenate(lons), np.concatenate(lats), np.concatenate(village_ids),
            np.concatenate(communes))


def generate(rng: np.random.Generator, villages: pd.DataFrame, total: int, progress) -> tuple[pd.DataFrame, pd.DataFrame]:
    counts = allocate(rng, villages, total)
    lon, lat, village_id, commune = locations(rng, villages, counts, progress)
    cells = address_code.cells_of(lon, lat)
    codes = address_code.make_many(cells, address_code.assign_serials(cells))
    n = len(lon)
    ids = np.arange(1, n + 1)
    public = pd.DataFrame({
        "id": ids, "address_code": codes, "plus_code": plus_code.encode_many(lon, lat),
        "village_id": village_id, "commune_code": commune,
        "geom": shapely.points(lon, lat),
    })
    highland = villages.set_index("id")["region"].reindex(village_id).to_numpy() == HIGHLAND
    private = personal_data(rng, ids, highland)
    public["verified_at"] = verified(rng, villages["id"].to_numpy(), village_id)  # drawn last: the rest is unchanged
    return public, private


VERIFIED_FROM = np.datetime64("2026-03-01T01:00:00")  # the demo's address campaign, in UTC
VERIFIED_DAYS = 270


def verified(rng: np.random.Generator, village_ids: np.ndarray, village_id: np.ndarray) -> pd.Series:
    """When staff verified each household's point and code (NaT: not yet), at a rate per village
    that varies as campaigns do: some villages not started, some done, most part way."""
    rate = rng.beta(2.0, 1.6, len(village_ids))
    stage = rng.random(len(village_ids))
    rate = np.where(stage < 0.12, 0.0, np.where(stage > 0.90, 1.0, rate))
    per_house = pd.Series(rate, index=village_ids).reindex(village_id).to_numpy()
    done = rng.random(len(village_id)) < per_house
    minutes = rng.integers(0, VERIFIED_DAYS * 24 * 60, len(village_id))
    when = VERIFIED_FROM + minutes.astype("timedelta64[m]")
    return pd.Series(pd.to_datetime(np.where(done, when, np.datetime64("NaT"))).tz_localize("UTC"))


def _pick(rng, weighted, n):
    names = np.array([w[0] for w in weighted])
    p = np.array([w[1] for w in weighted], dtype=float)
    return names[rng.choice(len(names), n, p=p / p.sum())]


def personal_data(rng: np.random.Generator, ids: np.ndarray, highland: np.ndarray) -> pd.DataFrame:
    n = len(ids)
    family = np.where(highland, _pick(rng, FAMILY_HIGHLAND, n), _pick(rng, FAMILY_LOWLAND, n))
    female = rng.random(n) < 0.3  # heads of household
    middle = np.where(female, rng.choice(MIDDLE_FEMALE, n), rng.choice(MIDDLE_MALE, n))
    given = np.where(female, rng.choice(GIVEN_FEMALE, n), rng.choice(GIVEN_MALE, n))
    names = [f"{a} {b} {c}" for a, b, c in zip(family, middle, given)]
    prefix = rng.choice(np.array(["091", "094", "096", "097", "098", "086", "035", "038", "039"]), n)
    phones = [f"{p}{x:07d}" for p, x in zip(prefix, rng.integers(0, 10_000_000, n))]
    birth = rng.integers(1945, 2003, n)
    century_sex = np.where(birth >= 2000, 2, 0) + female.astype(int)
    national = [f"040{s}{b % 100:02d}{x:06d}" for s, b, x in zip(century_sex, birth, rng.integers(0, 1_000_000, n))]
    poor_p = np.where(highland, 0.16, 0.025)
    near_p = np.where(highland, 0.12, 0.04)
    u = rng.random(n)
    poverty = np.where(u < poor_p, "poor", np.where(u < poor_p + near_p, "near_poor", "none"))
    income = (rng.lognormal(np.where(highland, 14.9, 15.5), 0.45, n) / 1000).round() * 1000
    return pd.DataFrame({
        "household_id": ids, "head_name": names, "phone": phones, "national_id": national,
        "members": np.clip(rng.poisson(3.6, n), 1, 12), "poverty_status": poverty,
        "monthly_income_vnd": income.astype(np.int64),
    })
