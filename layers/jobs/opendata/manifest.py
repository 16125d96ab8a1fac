"""The files describing a release: release.json (our manifest), datapackage.json (Frictionless),
CHANGELOG.md and changelog/<dataset>.json. Pure functions over plain dicts."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from geo.vector_export import FORMATS
from layers.db.settings import Settings
from layers.jobs.opendata.catalog_terms import known_licence
from layers.jobs.opendata.dataset import Dataset
from layers.jobs.opendata.versioning import Change

BOUNDARY_ATTRIBUTION = (
    "Ranh giới hành chính / administrative boundaries: thanglequoc/vietnamese-provinces-database v4.0.0, "
    "© 2021 Thang Le Quoc, MIT licence, derived from sapnhap.bando.com.vn (simplified). Other demo layers are "
    "generated and fictitious."
)
FRICTIONLESS_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
                      "date": "date"}
EXTRA_FORMATS = {"pmtiles": ("PMTiles (vector tiles)", "application/vnd.pmtiles", "BIN")}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def distribution(key: str, path: Path) -> dict:
    if key in FORMATS:
        f = FORMATS[key]
        title, media, ftype = f.title, f.media_type, f.file_type
    else:
        title, media, ftype = EXTRA_FORMATS[key]
    return {"format": key, "title": title, "path": path.name, "media_type": media, "file_type": ftype,
            "bytes": path.stat().st_size, "sha256": sha256(path)}


def dataset_entry(ds: Dataset, count: int, bbox, temporal, dists: list[dict], change: Change,
                  modified: str, issued: str) -> dict:
    return {
        "id": ds.id, "title_vi": ds.title_vi, "title_en": ds.title_en,
        "description_vi": ds.description_vi, "description_en": ds.description_en,
        "theme": ds.theme, "keywords": list(ds.keywords), "layer_id": ds.layer_id,
        "fields": [{"name": f.name, "type": f.type, "title_vi": f.title_vi, "title_en": f.title_en} for f in ds.fields],
        "geometry_type": ds.geometry_type, "count": count, "bbox": bbox, "temporal": temporal,
        "issued": issued, "modified": modified, "changes": change.counts(), "schema_changed": change.schema_changed,
        "new_dataset": change.new_dataset, "changelog": f"changelog/{ds.id}.json", "distributions": dists,
    }


def changelog_json(ds_id: str, version: str, previous: str | None, change: Change, count: int) -> dict:
    return {"dataset": ds_id, "version": version, "previous": previous, "features": count,
            "new_dataset": change.new_dataset, "schema_changed": change.schema_changed,
            "added": change.added, "changed": change.changed, "removed": change.removed}


def changelog_md(man: dict, changes: dict[str, Change], show: int = 20) -> str:
    lines = [f"# {man['version']} ({man['created'][:10]})", "",
             f"Previous release: {man['previous'] or '—'}. Feature ids are the `id` field of each file.", ""]
    for ds_id, ch in changes.items():
        if not ch.any:
            continue
        head = f"## {ds_id}"
        if ch.new_dataset:
            lines += [head, "", f"New dataset ({man['datasets'][ds_id]['count']} features).", ""]
            continue
        lines += [head, ""]
        if ch.schema_changed:
            lines.append("- schema changed (fields or geometry type)")
        for kind in ("added", "changed", "removed"):
            ids = getattr(ch, kind)
            if ids:
                more = f" … and {len(ids) - show} more (see changelog/{ds_id}.json)" if len(ids) > show else ""
                lines.append(f"- {kind} ({len(ids)}): {', '.join(ids[:show])}{more}")
        lines.append("")
    return "\n".join(lines) + "\n"


def datapackage(man: dict, settings: Settings) -> dict:
    licence = known_licence(settings.opendata_license)
    resources = []
    for ds in man["datasets"].values():
        for d in ds["distributions"]:
            res = {
                "name": f"{ds['id']}-{d['format']}".lower().replace("_", "-"), "path": d["path"],
                "title": f"{ds['title_en']} ({d['title']})", "description": ds["description_en"],
                "format": d["format"], "mediatype": d["media_type"], "bytes": d["bytes"],
                "hash": f"sha256:{d['sha256']}",
            }
            if d["format"] == "csv":
                res["profile"] = "tabular-data-resource"
                res["encoding"] = "utf-8"
                res["schema"] = {"fields": [
                    {"name": "WKT", "type": "string", "description": "geometry as WKT, EPSG:4326 (lon lat)"},
                    *({"name": f["name"], "type": FRICTIONLESS_TYPES.get(f["type"], "string"),
                       "title": f["title_en"], "description": f["title_vi"]} for f in ds["fields"])],
                    "primaryKey": ["id"]}
            resources.append(res)
    return {
        "profile": "data-package", "name": "ntm-map-open-data", "id": f"ntm-map-open-data-{man['version']}",
        "title": "Dữ liệu mở nông thôn mới / New Rural Development open data", "version": man["version"],
        "created": man["created"],
        "licenses": [{"name": licence.spdx if licence else "other",
                      "path": settings.opendata_license, "title": settings.opendata_license_title}],
        "sources": [{"title": BOUNDARY_ATTRIBUTION,
                     "path": "https://github.com/thanglequoc/vietnamese-provinces-database"}],
        "resources": resources,
    }


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
