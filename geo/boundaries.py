"""Administrative boundary files: reading the vn-admin format and making light derivatives.

The demo ships a simplified copy of real boundaries. Simplifying each commune on its own would
open gaps and overlaps between neighbours, so the whole set is simplified as one coverage
(shared edges stay shared).

Run `python -m geo.boundaries SRC_DIR OUT.geojson` to rebuild the shipped derivative.
"""
from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.vocabulary import UNIT_KINDS

# vn-admin (thanglequoc/vietnamese-provinces-database) property names → ours.
VN_ADMIN_FIELDS = {
    "code": "code", "name": "name_vi", "nameEn": "name_en", "fullName": "full_name_vi",
    "fullNameEn": "full_name_en",
}
KINDS_BY_PREFIX = tuple(UNIT_KINDS)


def unit_kind(full_name: str | None) -> str | None:
    """'Phường Vinh Lộc' → 'Phường'."""
    if not full_name:
        return None
    for prefix in KINDS_BY_PREFIX:
        if full_name.startswith(prefix + " "):
            return prefix
    return None


def level_of_code(code: str) -> str:
    """Decision 124/2004: province codes have 2 digits, districts 3, communes 5."""
    return {2: "province", 3: "district", 5: "commune"}.get(len(code.strip()), "commune")


def simplify_coverage(geoms: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    simplified = shapely.coverage_simplify(geoms.values, tolerance)
    return gpd.GeoSeries(shapely.make_valid(simplified), index=geoms.index, crs=geoms.crs)


def build_demo_derivative(src_dir: Path, out: Path, tolerance: float = 0.0005) -> gpd.GeoDataFrame:
    """Province + communes of one vn-admin province folder, simplified, in one GeoJSON."""
    province_file = next(p for p in src_dir.glob("*.geojson"))
    communes = pd.concat(
        [gpd.read_file(p) for p in sorted((src_dir / "wards").glob("*.geojson"))], ignore_index=True
    )
    province = gpd.read_file(province_file)
    communes["geometry"] = simplify_coverage(communes.geometry, tolerance)
    province["geometry"] = [shapely.coverage_union_all(communes.geometry.values)]
    keep = [*VN_ADMIN_FIELDS, "geometry"]
    both = pd.concat([province[keep], communes[keep]], ignore_index=True)
    # Snap to the 1 m grid the file is written with, so rounding cannot make rings invalid.
    snapped = shapely.make_valid(shapely.set_precision(both.geometry.values, 1e-5))
    both["geometry"] = [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in snapped]
    gdf = gpd.GeoDataFrame(both, geometry="geometry", crs="EPSG:4326")
    gdf.to_file(out, driver="GeoJSON", layer_options={"COORDINATE_PRECISION": 5, "RFC7946": "YES"})
    return gdf


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    build_demo_derivative(Path(sys.argv[1]), Path(sys.argv[2]))
