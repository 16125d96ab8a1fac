"""Checks, before anything is timed, that every case's responses and ceiling statements return real data."""
from __future__ import annotations

import statistics
import time

import httpx
import psycopg

from bench.common import BenchError


def check_responses(base: str, paths: list[tuple[str, str]], kind: str, n: int | None) -> dict:
    """Fetch the case's URLs one by one: status, body, features. Raises when they are not real."""
    import mapbox_vector_tile

    chosen = paths if n is None else paths[:n]
    by_layer: dict[str, list[float]] = {}
    statuses: dict[int, int] = {}
    empty = features = 0
    sizes = []
    first = None
    prop_keys: dict[str, set] = {}
    with httpx.Client(base_url=base, timeout=60, headers={"Accept-Encoding": "identity"}) as client:  # as wrk
        for i, (layer, path) in enumerate(chosen):
            started = time.perf_counter()
            try:
                r = client.get(path)
            except httpx.HTTPError as exc:
                raise BenchError(f"{base}{path}: {type(exc).__name__}: {exc}") from None
            elapsed = (time.perf_counter() - started) * 1000
            by_layer.setdefault(layer, []).append(elapsed)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            if i == 0:
                first = {"url": path, "status": r.status_code, "bytes": len(r.content),
                         "content_type": r.headers.get("content-type"),
                         "headers": {k: v for k, v in r.headers.items()
                                     if k.lower() in ("cache-control", "etag", "x-cache", "age", "content-encoding",
                                                      "x-tile-cache", "server-timing")}}
            if r.status_code != 200:
                if i < 5:
                    raise BenchError(f"{base}{path} answered {r.status_code}: {r.text[:300]}")
                continue
            sizes.append(len(r.content))
            if not r.content:
                empty += 1
                if i < 5:
                    raise BenchError(f"{base}{path} answered 200 with an empty body")
                continue
            if kind == "tiles":
                try:
                    tile = mapbox_vector_tile.decode(r.content)
                except Exception as exc:
                    raise BenchError(f"{base}{path}: the body is not a vector tile ({exc})") from None
                for name, lyr in tile.items():
                    features += len(lyr["features"])
                    for f in lyr["features"][:20]:
                        prop_keys.setdefault(name, set()).update(f.get("properties", {}))
            else:
                try:
                    body = r.json()
                except ValueError as exc:
                    raise BenchError(f"{base}{path}: the body is not JSON ({exc})") from None
                features += len(body.get("features", []))
                for f in body.get("features", [])[:20]:
                    prop_keys.setdefault(layer, set()).update(f.get("properties", {}))
    bad = sum(v for k, v in statuses.items() if k != 200)
    if bad:
        raise BenchError(f"{base}: {bad} of {len(chosen)} URLs did not answer 200 ({statuses})")
    return {
        "checked": len(chosen), "statuses": statuses, "empty_bodies": empty, "features": features,
        "mean_bytes": round(statistics.mean(sizes)) if sizes else 0, "first": first,
        "properties": {k: sorted(v) for k, v in prop_keys.items()},
        "single_request_ms_median_by_layer": {k: round(statistics.median(v), 1) for k, v in by_layer.items()},
    }


def check_sql(url: str, sqls: list[str]) -> dict:
    """Run each ceiling statement once: it must work and return data (a tile's bytes, features)."""
    sizes, rows = [], []
    with psycopg.connect(url) as conn:
        for sql in sqls:
            got = conn.execute(sql).fetchall()
            rows.append(len(got))
            sizes.append(sum(len(v) for row in got for v in row if isinstance(v, (bytes, str))))
    if not sizes or sizes[0] == 0:
        raise BenchError("the first ceiling statement returned nothing")
    return {"checked": len(sizes), "empty": sum(1 for s in sizes if s == 0), "mean_rows": statistics.mean(rows),
            "mean_bytes": round(statistics.mean(sizes))}
