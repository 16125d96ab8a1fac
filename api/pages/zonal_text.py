"""A raster's zonal statistics as people read them: "Land cover: 62 % rice paddy (12,3 ha), …",
"Slope: mean 4,1° (0,5 to 9,8°)", in the page's language, numbers by geo.formatting, class
names from the raster's legend, every other word from api/i18n/messages/raster_stats.json."""
from __future__ import annotations

import json
import logging

from api.i18n import t
from geo import formatting
from geo.vocabulary import CROP_NAMES
from layers.read.raster_stats import LAYERS, feature_stats, suitability_many, suitability_of

log = logging.getLogger("ntm_map")

TOP_CLASSES = 3  # a popup names the three largest classes and counts the rest


def title_of(raster: dict, lang: str) -> str:
    return (raster.get("title_en") if lang == "en" else None) or raster["title_vi"]


def class_label(legend: dict | None, value, lang: str) -> str:
    for c in (legend or {}).get("classes", []):
        if c.get("value") == value:
            return c.get(f"label_{lang}") or c.get("label_vi") or str(value)
    return t("raster_stats.class", lang, value=formatting.number(value, lang, 2))


def value_text(value, lang: str) -> str:
    """Measurements to one decimal (slope 4,1°) below 100, whole above (elevation 356 m)."""
    return formatting.number(value, lang, 1 if abs(float(value)) < 100 else 0)


def units_text(units: str | None) -> str:
    if not units:
        return ""
    return units if units in ("°", "%") else f" {units}"


def percent_text(share: float, lang: str) -> str:
    """62 %; one decimal under 10 % (4,5 %), where a whole number would say too little."""
    return formatting.number(share * 100, lang, 0 if share >= 0.1 else 1)


def summary(raster: dict, lang: str) -> str:
    """One line for one raster's figures over one feature."""
    stats, title = raster["stats"], title_of(raster, lang)
    if raster["kind"] == "categorical":
        classes = stats.get("classes") or []
        if not classes:
            return f"{title}: {t('raster_stats.none', lang)}"
        parts = [t("raster_stats.share", lang, percent=percent_text(c["share"], lang),
                   label=class_label(raster.get("legend"), c["value"], lang), ha=formatting.area_ha(c["ha"], lang))
                 for c in classes[:TOP_CLASSES]]
        if len(classes) > TOP_CLASSES:
            parts.append(t("raster_stats.more", lang, count=len(classes) - TOP_CLASSES))
        return t("raster_stats.classes", lang, title=title, classes=", ".join(parts))
    if stats.get("mean") is None:
        return f"{title}: {t('raster_stats.none', lang)}"
    return t("raster_stats.mean", lang, title=title, mean=value_text(stats["mean"], lang),
             min=value_text(stats["min"], lang), max=value_text(stats["max"], lang),
             units=units_text(raster.get("units")))


def labelled(raster: dict, lang: str) -> dict:
    """The statistics with each class's words added, for programs that show their own text."""
    stats = dict(raster["stats"])
    if raster["kind"] == "categorical":
        stats["classes"] = [{**c, "label": class_label(raster.get("legend"), c["value"], lang)}
                            for c in stats.get("classes") or []]
    return stats


def suitability_warnings(stats: dict | None, crop_words: str, lang: str, at_least: float = 0.1) -> list[dict]:
    """A growing area's warnings from its suitability statistics: land not suitable (or only
    marginal) over at least `at_least` of its measured area. Warnings, never refusals."""
    if not stats:
        return []
    shares = {c["value"]: c["share"] for c in stats.get("classes") or []}
    found = []
    for value, code in ((3, "unsuitable"), (2, "marginal")):
        share = shares.get(value, 0.0)
        if share >= at_least:
            found.append({"code": f"suitability.{code}", "share": round(share, 4),
                          "message": t(f"raster_stats.warning.{code}", lang,
                                       percent=formatting.number(share * 100, lang, 0), crop=crop_words)})
    return found


async def item_section(engine, layer_id: str, feature_id, lang: str) -> dict | None:
    """The item page's "From the raster layers" section: a heading and one line per raster
    (or "being computed"); None for layers without statistics or a feature with no raster."""
    if layer_id not in LAYERS or not isinstance(feature_id, int):
        return None
    found = await feature_stats(engine, layer_id, feature_id)
    if not found or not (found["rasters"] or found["pending"]):
        return None
    lines = [summary(r, lang) for r in found["rasters"]]
    if found["pending"]:
        lines.append(t("raster_stats.pending", lang, names=", ".join(found["pending"])))
    return {"heading": t("raster_stats.heading", lang), "lines": lines}


async def area_warnings(engine, settings, feature: dict, lang: str) -> list[dict]:
    """Warnings for a growing area just registered or edited: its share of land the crop's
    suitability raster calls not suitable (or marginal). Never a refusal, and never a failed save:
    an unreadable raster is logged and gives no warning."""
    crop = (feature.get("properties") or {}).get("crop")
    if not crop or not feature.get("geometry"):
        return []
    try:
        stats = await suitability_of(engine, settings, crop, json.dumps(feature["geometry"]))
    except Exception as exc:  # noqa: BLE001 (a warning must never cost the staff member their save)
        log.warning("suitability of a growing area not checked: %s", exc)
        return []
    words = CROP_NAMES.get(crop, (crop, crop))[0 if lang == "vi" else 1].lower()
    return suitability_warnings(stats, words, lang)


async def upload_warnings(engine, settings, entries: list[dict], candidates, lang: str) -> None:
    """Add `warnings` to each stored entry of a file upload's report (one raster read per crop)."""
    stored = {e["index"] for e in entries if e.get("id") is not None}
    by_crop: dict[str, list] = {}
    for c in candidates:
        if c.index in stored and c.geom is not None and c.values.get("crop"):
            by_crop.setdefault(c.values["crop"], []).append((c.index, c.geom))
    found: dict = {}
    for crop, features in by_crop.items():
        try:
            stats = await suitability_many(engine, settings, crop, features)
        except Exception as exc:  # noqa: BLE001 (a warning must never cost the upload)
            log.warning("suitability of uploaded areas not checked: %s", exc)
            continue
        words = CROP_NAMES.get(crop, (crop, crop))[0 if lang == "vi" else 1].lower()
        for index, s in stats.items():
            found[index] = suitability_warnings(s, words, lang)
    for e in entries:
        if e["index"] in stored:
            e["warnings"] = found.get(e["index"], [])
