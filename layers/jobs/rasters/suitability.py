"""Crop suitability rasters from rules kept as data (issue 13 item 5).

A crop's rule is a list of criteria, each over a registered raster: a continuous one (slope in
degrees, elevation in metres) with a `suitable` and a `marginal` range [low, high] (both ends
included), or a categorical one (land cover) with `suitable_classes` and `marginal_classes`.
A pixel is suitable when every criterion says suitable, not suitable when any says neither, and
marginal otherwise (FAO's "most limiting factor"); nodata in any input is nodata. The default
rules are layers/jobs/demo_data/suitability.json, indicative only: a province passes its own file
(`ntm-map raster suitability --rules FILE`), and docs/rasters.md explains them.

The result is raster `suitability_<crop>` (categorical, classes 1 suitable, 2 marginal, 3 not
suitable), stored through the registry's add_rasters (a new version when it exists), on the grid
of the rule's first raster; the other inputs are warped onto it (nearest neighbour for classes,
bilinear for measurements). Pixels are processed in strips of `STRIP` rows, so memory does not
grow with the raster. Per commune suitable hectares are then its zonal statistics.
"""
from __future__ import annotations

import hashlib
import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import rasterio
from rasterio.enums import Resampling
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window

from geo.vocabulary import CROP_NAMES
from layers.jobs.rasters.cache import Cache, code_digest, key_of
from layers.jobs.rasters.settings import raster_dir
from layers.jobs.rasters.store import NotTheSameCog, add_rasters, get_raster
from layers.jobs.rasters.zonal_refresh import refresh

DEFAULT_RULES = Path(__file__).resolve().parents[1] / "demo_data" / "suitability.json"
STRIP = 512
CODE = (Path(__file__), Path(__file__).with_name("cog.py"), Path(__file__).with_name("gdal_copy.py"))
SUITABLE, MARGINAL, NOT_SUITABLE, NODATA = 1, 2, 3, 0
LEGEND = {"classes": [
    {"value": SUITABLE, "colour": "#1a9641", "label_vi": "Thích hợp", "label_en": "suitable"},
    {"value": MARGINAL, "colour": "#fdae61", "label_vi": "Ít thích hợp", "label_en": "marginal"},
    {"value": NOT_SUITABLE, "colour": "#d7191c", "label_vi": "Không thích hợp", "label_en": "not suitable"},
]}


class RulesProblem(ValueError):
    """A rules file that cannot be applied; the message says what to fix."""


def read_rules(path: Path | str | None = None) -> dict:
    """The rules file, checked: every crop's criteria are well formed."""
    path = Path(path or DEFAULT_RULES)
    try:
        rules = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RulesProblem(f"{path.name}: not a readable JSON rules file ({exc})") from None
    crops = rules.get("crops") if isinstance(rules, dict) else None
    if not isinstance(crops, dict) or not crops:
        raise RulesProblem(f'{path.name}: expected {{"crops": {{"tea": {{"criteria": [...]}}, ...}}}}')
    for crop, rule in crops.items():
        criteria = rule.get("criteria") if isinstance(rule, dict) else None
        if not isinstance(criteria, list) or not criteria:
            raise RulesProblem(f"{path.name}: crop {crop!r} has no criteria")
        for c in criteria:
            _check_criterion(path.name, crop, c)
    return rules


def _check_criterion(file: str, crop: str, c) -> None:
    where = f"{file}: crop {crop!r}"
    if not isinstance(c, dict) or not isinstance(c.get("raster"), str):
        raise RulesProblem(f"{where}: each criterion names a raster")
    if "suitable_classes" in c:
        for key in ("suitable_classes", "marginal_classes"):
            if not all(isinstance(v, (int, float)) for v in c.get(key, [])):
                raise RulesProblem(f"{where}, {c['raster']}: {key} must be a list of class values")
        return
    for key in ("suitable", "marginal"):
        r = c.get(key)
        if not (isinstance(r, list) and len(r) == 2 and all(isinstance(v, (int, float)) for v in r) and r[0] <= r[1]):
            raise RulesProblem(f"{where}, {c['raster']}: {key} must be [low, high] with low ≤ high")


def classify(criteria: list[dict], arrays: list[np.ndarray], valid: np.ndarray) -> np.ndarray:
    """The suitability class of every pixel from its criteria's values (same shape arrays)."""
    worst = np.full(valid.shape, SUITABLE, dtype=np.uint8)
    for c, a in zip(criteria, arrays):
        np.maximum(worst, _level(c, a), out=worst)
    worst[~valid] = NODATA
    return worst


def _level(c: dict, a: np.ndarray) -> np.ndarray:
    """One criterion's class per pixel: suitable where it says so, else marginal where it says
    so, else not suitable. Classes of 8-bit pixels through a table of the 256 values."""
    if "suitable_classes" in c:
        if a.dtype == np.uint8:
            table = np.full(256, NOT_SUITABLE, dtype=np.uint8)
            for levels, value in ((c.get("marginal_classes", []), MARGINAL), (c["suitable_classes"], SUITABLE)):
                table[[int(v) for v in levels if 0 <= v <= 255 and float(v).is_integer()]] = value
            return table[a]
        good, fair = np.isin(a, c["suitable_classes"]), np.isin(a, c.get("marginal_classes", []))
    else:
        good = (a >= c["suitable"][0]) & (a <= c["suitable"][1])
        fair = (a >= c["marginal"][0]) & (a <= c["marginal"][1])
    level = np.full(a.shape, NOT_SUITABLE, dtype=np.uint8)
    level[fair] = MARGINAL
    level[good] = SUITABLE
    return level


def _inputs(conn, settings, criteria) -> list[dict]:
    rows = []
    for c in criteria:
        row = get_raster(conn, c["raster"])
        if row is None:
            raise RulesProblem(f"the rules use raster {c['raster']!r}, which is not registered "
                               "(add it with `ntm-map raster add`)")
        want = "categorical" if "suitable_classes" in c else "continuous"
        if row["kind"] != want:
            raise RulesProblem(f"raster {c['raster']!r} is {row['kind']}, the rule needs a {want} raster")
        rows.append(row)
    return rows


def write_suitability(criteria: list[dict], paths: list[Path], kinds: list[str], out: Path) -> None:
    """Compute the suitability GeoTIFF on the grid of the first input, strip by strip."""
    write_suitabilities([(criteria, paths, kinds, out)])


def write_suitabilities(jobs: list[tuple[list[dict], list[Path], list[str], Path]]) -> None:
    """write_suitability for several crops whose rules start with the same raster (the same
    grid): each input is read once per strip for all of them (the demo's three crops share their
    three inputs: a third of the decoding)."""
    if len({paths[0] for _, paths, _, _ in jobs}) != 1:
        raise ValueError("write_suitabilities: the crops' rules must start with the same raster")
    inputs = list(dict.fromkeys((p, k) for _, paths, kinds, _ in jobs for p, k in zip(paths, kinds)))
    with rasterio.open(jobs[0][1][0]) as ref, ExitStack() as stack:
        profile = dict(driver="GTiff", width=ref.width, height=ref.height, count=1, dtype="uint8",
                       crs=ref.crs, transform=ref.transform, nodata=NODATA, tiled=True,
                       blockxsize=256, blockysize=256, compress="none")  # a temporary file: add_raster compresses
        views = {}
        for p, k in inputs:
            s = stack.enter_context(rasterio.open(p))
            views[p, k] = s if (s.crs == ref.crs and s.transform == ref.transform and s.shape == ref.shape) else \
                stack.enter_context(WarpedVRT(s, crs=ref.crs, transform=ref.transform, width=ref.width,
                                              height=ref.height, resampling=Resampling.nearest
                                              if k == "categorical" else Resampling.bilinear))
        outs = [stack.enter_context(rasterio.open(out, "w", **profile)) for *_, out in jobs]
        for top in range(0, ref.height, STRIP):
            window = Window(0, top, ref.width, min(STRIP, ref.height - top))
            strip = {}
            for key, v in views.items():
                a = v.read(1, window=window, masked=True)
                strip[key] = (np.ma.getdata(a), ~np.ma.getmaskarray(a))
            for (criteria, paths, kinds, _), dst in zip(jobs, outs):
                valid = np.ones((int(window.height), ref.width), dtype=bool)
                for key in zip(paths, kinds):
                    valid &= strip[key][1]
                dst.write(classify(criteria, [strip[key][0] for key in zip(paths, kinds)], valid), 1, window=window)


def make_suitability(conn, settings, crops: list[str] | None = None, rules_path: Path | str | None = None,
                     log=print, cache: Cache | None = None) -> dict[str, dict]:
    """Build `suitability_<crop>` for the rules' crops (or those named), then their statistics.
    Returns {crop: {"raster": name, "version": n, "communes": [(code, suitable_ha)…]}}.

    With a `cache` (layers.jobs.rasters.cache), a crop whose criteria and inputs' bytes (sha256)
    are those of a raster made before by this code gets that COG, checked again; the others are
    computed and kept; and the statistics come from the cache's likewise."""
    rules = read_rules(rules_path)
    digest = hashlib.sha256(json.dumps(rules, sort_keys=True).encode()).hexdigest()[:12]
    unknown = set(crops or ()) - set(rules["crops"])
    if unknown:
        raise RulesProblem(f"no rule for {', '.join(sorted(unknown))}; the rules cover {', '.join(rules['crops'])}")
    plans = []
    for crop in crops or list(rules["crops"]):
        criteria = rules["crops"][crop]["criteria"]
        plans.append((crop, criteria, _inputs(conn, settings, criteria)))
    keys = [key_of("suitability", code_digest(*CODE), crop, criteria, [(r["sha256"], r["kind"]) for r in inputs])
            for crop, criteria, inputs in plans]
    found = [cache.cogs("suitability", k) if cache is not None else None for k in keys]
    raster_dir(settings).mkdir(parents=True, exist_ok=True)
    items = []
    with tempfile.TemporaryDirectory(dir=raster_dir(settings)) as tmp:

        # The crops whose rules start with the same raster are computed together, each input
        # read once (write_suitabilities); their COGs written two at a time (add_rasters), their
        # rows recorded one after the other.
        made, groups = {}, {}
        for i, (crop, criteria, inputs) in enumerate(plans):
            if not found[i]:
                made[i] = Path(tmp) / f"suitability_{crop}.tif"
                groups.setdefault(inputs[0]["file"], []).append(
                    (criteria, [raster_dir(settings) / r["file"] for r in inputs], [r["kind"] for r in inputs],
                     made[i]))
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(write_suitabilities, groups.values()))
        for i, (crop, criteria, inputs) in enumerate(plans):
            name = f"suitability_{crop}"
            out, ready = (found[i][name][:2] if found[i] else (made[i], None))
            vi, en = CROP_NAMES.get(crop, (crop, crop))
            used = ", ".join(f"{r['name']} v{r['version']}" for r in inputs)
            items.append((name, out, dict(
                kind="categorical", legend=LEGEND, nodata=NODATA,
                title_vi=f"Mức thích hợp trồng {vi.lower()}", title_en=f"Land suitability for {en.lower()}",
                description_vi=rules.get("note_vi"), description_en=rules.get("note_en"),
                source=f"ntm-map raster suitability: rules {digest} ({crop}) over {used}",
                synthetic=any(r["synthetic"] for r in inputs), acquired=max((r["acquired"] for r in inputs
                                                                             if r["acquired"]), default=None),
                replace=get_raster(conn, name) is not None, ready=ready)))
        try:
            rows = add_rasters(conn, settings, items, workers=2)
        except NotTheSameCog as exc:
            log(f"cached suitability rasters are damaged ({exc}): made anew")
            for k in keys:
                cache.forget("suitability", k)
            return make_suitability(conn, settings, crops, rules_path, log, cache)
    if cache is not None:
        for i, row in enumerate(rows):
            if not found[i]:
                made_here = {row["name"]: (raster_dir(settings) / row["file"], row["cog"], {})}
                cache.keep_cogs("suitability", keys[i], made_here)
    refresh(conn, settings, [row["name"] for row in rows], cache=cache)
    done = {}
    for (crop, _, inputs), row in zip(plans, rows):
        used = ", ".join(f"{r['name']} v{r['version']}" for r in inputs)
        log(f"{row['name']} v{row['version']}: {row['width']:,} × {row['height']:,} px from {used}")
        done[crop] = {"raster": row["name"], "version": row["version"]}
    return done


def after_demo(conn, settings, log=print, cache: Cache | None = None) -> None:
    """What `ntm-map load demo` does once the demo rasters are in: the suitability rasters of the
    default rules (when their inputs exist) and every raster's zonal statistics, so the demo's
    popups and pages have their figures from the start (from `cache` when computed before)."""
    started = time.monotonic()
    try:
        made = make_suitability(conn, settings, log=log, cache=cache)
        log(f"{len(made)} suitability rasters and their statistics in {time.monotonic() - started:.1f} s")
    except RulesProblem as exc:  # a demo without land cover or elevation: statistics only
        log(f"no suitability rasters: {exc}")
    started = time.monotonic()
    done = refresh(conn, settings, cache=cache)
    log(f"zonal statistics: {sum(done.values()):,} over {len(done)} raster × layer pairs "
        f"in {time.monotonic() - started:.1f} s")
