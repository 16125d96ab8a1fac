"""Public rasters in every open-data release (issue 13 item 7): the stored COG as a distribution,
plus its legend as JSON, each raster a dataset of the manifest (so the catalog, datapackage.json,
changelogs and the portal list it like the vector datasets).

The COG is not rewritten: it is hard-linked from the raster store (files there are never
modified, a replacement is a new vN file), and its SHA-256 and size come from the registry row,
so a 1 GB mosaic costs a link, not a copy and a hash. The registry rows are read in the
release's snapshot. A raster is "changed" (a PATCH release) when its pixels, legend, units or
titles differ from the previous release's; a new public raster is a new dataset (MINOR); one no
longer public or removed is withdrawn (MAJOR), like a vector dataset.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from sqlalchemy.engine import Connection

from layers.jobs.opendata.versioning import Change
from layers.jobs.rasters.store import list_rasters, raster_path

COG_MEDIA_TYPE = "image/tiff"  # IANA's registered type (DCAT wants one); the title says Cloud Optimized GeoTIFF
FORMATS = {  # format key → (title, media type, EU file-type code)
    "cog": ("Cloud Optimized GeoTIFF", COG_MEDIA_TYPE, "GEOTIFF"),
    "legend": ("Legend (JSON)", "application/json", "JSON"),  # the portal's words: opendata.format.*
}
KIND_WORDS = {  # a default description when the registry row has none
    "imagery": ("Ảnh chụp (ảnh trực giao / ảnh vệ tinh)", "Imagery (orthophoto or satellite mosaic)"),
    "categorical": ("Bản đồ phân loại (mỗi giá trị là một lớp, xem chú giải)",
                    "Class map (each value is a class, see the legend)"),
    "continuous": ("Dữ liệu đo liên tục (giá trị và đơn vị trong chú giải)",
                   "Continuous measurements (values and units in the legend)"),
}


def legend_document(row: dict) -> dict:
    """The legend file published next to the COG: what a value means, in both languages."""
    return {"raster": row["name"], "kind": row["kind"], "title_vi": row["title_vi"],
            "title_en": row["title_en"] or row["title_vi"], "units": row["units"], "nodata": row["nodata"],
            "value_min": row["value_min"], "value_max": row["value_max"], "legend": row["legend"],
            "crs": row["crs"], "resolution_m": row["resolution_m"], "acquired": row["acquired"],
            "source": row["source"], "licence": row["licence"], "synthetic": row["synthetic"],
            "version": row["version"], "sha256": row["sha256"]}


def _bytes(doc: dict) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n").encode()


def _fingerprint(row: dict) -> str:
    """What makes a new release of the raster: pixels, legend, units, titles and descriptions."""
    keys = ("sha256", "legend", "units", "nodata", "title_vi", "title_en", "description_vi", "description_en",
            "licence", "source", "acquired")
    return hashlib.sha256(json.dumps({k: row[k] for k in keys}, sort_keys=True, default=str).encode()).hexdigest()


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another filesystem (or no hard links): a copy
        shutil.copyfile(src, dst)


def _distribution(key: str, name: str, size: int, sha: str) -> dict:
    title, media, ftype = FORMATS[key]
    return {"format": key, "title": title, "path": name, "media_type": media, "file_type": ftype,
            "bytes": size, "sha256": sha}


def raster_entries(conn: Connection, settings, folder: Path, prev: dict | None, now: str, *,
                   write: bool = True, taken: set[str] = frozenset()) -> tuple[dict[str, dict], dict[str, Change]]:
    """(manifest entries, changes) of every public raster; its files into `folder` when `write`.

    `taken`: the vector dataset ids, which a raster name must not shadow (a raster's name is a
    collection id, so they differ unless a dataset is not a layer)."""
    entries, changes = {}, {}
    for row in list_rasters(conn, public_only=True):
        name = row["name"]
        if name in taken:
            raise ValueError(f"raster {name!r} has the id of a vector dataset: rename it (ntm-map raster add)")
        cog_name, legend_name = f"{name}.tif", f"{name}.legend.json"
        legend = _bytes(legend_document(row))
        if write:
            stored = raster_path(settings, row)
            if not stored.is_file() or stored.stat().st_size != row["bytes"]:
                raise ValueError(f"raster {name!r}: its COG {stored} is missing or not the {row['bytes']:,} bytes "
                                 "the registry records; store it again with `ntm-map raster add … --replace`")
            _link(stored, folder / cog_name)
            (folder / legend_name).write_bytes(legend)
        old = (prev or {}).get("datasets", {}).get(name)
        fp = _fingerprint(row)
        if old is None or "raster" not in old:
            change = Change(new_dataset=True)
        else:
            change = Change(changed=[name] if old["raster"].get("fingerprint") != fp else [])
        changes[name] = change
        modified = now if change.any or not old else old.get("modified", now)
        vi, en = KIND_WORDS[row["kind"]]
        acquired = str(row["acquired"]) if row["acquired"] else None
        entries[name] = {
            "id": name, "title_vi": row["title_vi"], "title_en": row["title_en"] or row["title_vi"],
            "description_vi": row["description_vi"] or vi, "description_en": row["description_en"] or en,
            "theme": "agriculture", "keywords": ["raster", row["kind"], *(["synthetic"] if row["synthetic"] else [])],
            "layer_id": None, "fields": [], "geometry_type": "raster", "count": 1, "bbox": row["bbox"],
            "temporal": [acquired, acquired] if acquired else None, "issued": (old or {}).get("issued", now),
            "modified": modified, "changes": change.counts(), "schema_changed": False,
            "new_dataset": change.new_dataset, "changelog": f"changelog/{name}.json",
            "distributions": [_distribution("cog", cog_name, row["bytes"], row["sha256"]),
                              _distribution("legend", legend_name, len(legend), hashlib.sha256(legend).hexdigest())],
            "raster": {"kind": row["kind"], "crs": row["crs"], "width": row["width"], "height": row["height"],
                       "band_count": row["band_count"], "dtype": row["dtype"], "resolution_m": row["resolution_m"],
                       "units": row["units"], "version": row["version"], "synthetic": row["synthetic"],
                       "fingerprint": fp},
        }
    return entries, changes


def crs_iri(entry: dict) -> str | None:
    """The OGC IRI of a raster dataset's CRS ("EPSG:9210" → …/EPSG/0/9210), for the catalog."""
    crs = (entry.get("raster") or {}).get("crs") or ""
    return f"http://www.opengis.net/def/crs/EPSG/0/{crs.split(':', 1)[1]}" if crs.startswith("EPSG:") else None


__all__ = ["FORMATS", "crs_iri", "legend_document", "raster_entries"]
