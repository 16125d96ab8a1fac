"""The description of one collection, shared by /collections and /collections/{id}."""
from __future__ import annotations

from geo import ogc_crs
from layers.read.registry import Layer
from layers.read.stats import Summary

GEOJSON = "application/geo+json"


def collection_document(layer: Layer, summary: Summary, lang: str, base: str) -> dict:
    vi = lang == "vi"
    here = f"{base}/collections/{layer.id}"
    extent: dict = {"spatial": {"bbox": [list(summary.bbox)] if summary.bbox else [],
                                "crs": ogc_crs.CRS84}}
    if summary.interval is not None:
        extent["temporal"] = {"interval": [[d.isoformat() if d else None for d in summary.interval]],
                              "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    return {
        "id": layer.id,
        "title": layer.title_vi if vi else layer.title_en,
        "description": layer.description_vi if vi else layer.description_en,
        "keywords": [layer.theme],
        "itemType": "feature",
        "geometryType": layer.geometry_type,
        "itemCount": summary.count,
        "extent": extent,
        "crs": ogc_crs.supported(),
        "storageCrs": ogc_crs.CRS84,
        "links": [
            {"href": here, "rel": "self", "type": "application/json", "title": layer.title_en},
            {"href": f"{here}?f=html", "rel": "alternate", "type": "text/html", "title": layer.title_en},
            {"href": f"{here}/items", "rel": "items", "type": GEOJSON, "title": "features (GeoJSON)"},
            {"href": f"{here}/items?f=html", "rel": "items", "type": "text/html", "title": "features (HTML)"},
            {"href": f"{here}/items?f=csv", "rel": "items", "type": "text/csv", "title": "features (CSV, WKT)"},
            {"href": f"{here}/items?f=ndjson", "rel": "items", "type": "application/x-ndjson",
             "title": "features (newline-delimited GeoJSON)"},
            {"href": f"{here}/queryables", "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
             "type": "application/schema+json", "title": "queryable properties"},
            {"href": f"{here}/tiles", "rel": "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector",
             "type": "application/json", "title": "vector tiles"},
        ],
    }
