"""The files describing a release: release.json (our manifest), datapackage.json (Frictionless),
CHANGELOG.md and changelog/<dataset>.json. Pure functions over plain dicts, but for
`feature_labels`, which reads the features CHANGELOG.md names from the releases' GeoParquet."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

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


# Columns that name a feature in CHANGELOG.md, the first present: a code, then a name.
CODE_COLUMNS = ("code", "address_code")
NAME_COLUMNS = ("name_vi", "name")


def feature_labels(release_dir: Path, prev_dir: Path | None, changes: dict[str, Change],
                   show: int = 20) -> dict[str, dict[str, str]]:
    """{dataset: {id: "CODE Name"}} for the ids CHANGELOG.md lists (the first `show` of each
    kind): added and changed ones read from this release's GeoParquet, removed ones from the
    previous release's (only those ids' rows, by a pushed-down filter)."""
    out: dict[str, dict[str, str]] = {}
    for ds_id, ch in changes.items():
        wanted = {"new": ch.added[:show] + ch.changed[:show], "old": ch.removed[:show]}
        labels: dict[str, str] = {}
        for which, ids in wanted.items():
            folder = release_dir if which == "new" else prev_dir
            path = folder / f"{ds_id}.parquet" if folder else None
            if not ids or path is None or not path.is_file():
                continue
            schema = pq.read_schema(path)
            names = set(schema.names)
            code = next((c for c in CODE_COLUMNS if c in names), None)
            name = next((c for c in NAME_COLUMNS if c in names), None)
            columns = [c for c in ("id", code, name) if c]
            if len(columns) == 1 or "id" not in names:
                continue
            textual = "id" in names and pa.types.is_string(schema.field("id").type)  # e.g. "16708-2026-05"
            keys = list(ids) if textual else [int(i) for i in ids if i.isdigit()]
            if not keys:
                continue
            table = pq.read_table(path, columns=columns, filters=[("id", "in", keys)])
            for row in table.to_pylist():
                text = " ".join(str(row[c]) for c in (code, name) if c and row.get(c) not in (None, ""))
                if text:
                    labels[str(row["id"])] = text
        out[ds_id] = labels
    return out


def _named(ids: list[str], labels: dict[str, str]) -> list[str]:
    return [f"{labels[i]} (id {i})" if i in labels else f"id {i}" for i in ids]


def changelog_md(man: dict, changes: dict[str, Change], show: int = 20,
                 labels: dict[str, dict[str, str]] | None = None) -> str:
    """Each dataset's changes with its title; features by code and name (`labels`, from
    feature_labels) with their id, the first `show` of each kind."""
    lines = [f"# {man['version']} ({man['created'][:10]})", "",
             f"Previous release: {man['previous'] or '—'}. Features are named by their code and name, "
             "with the `id` field of each file.", ""]
    for ds_id, ch in changes.items():
        if not ch.any:
            continue
        entry = man["datasets"][ds_id]
        head = f"## {entry['title_en']} / {entry['title_vi']} (`{ds_id}`)"
        if ch.new_dataset:
            lines += [head, "", f"New dataset ({entry['count']} features).", ""]
            continue
        lines += [head, ""]
        if ch.schema_changed:
            lines.append("- schema changed (fields or geometry type)")
        for kind in ("added", "changed", "removed"):
            ids = getattr(ch, kind)
            if ids:
                more = f" … and {len(ids) - show} more (see changelog/{ds_id}.json)" if len(ids) > show else ""
                named = _named(ids[:show], (labels or {}).get(ds_id, {}))
                lines.append(f"- {kind} ({len(ids)}): {'; '.join(named)}{more}")
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
