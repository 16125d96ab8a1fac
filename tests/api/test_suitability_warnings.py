"""A growing area registered or edited on land its crop's suitability raster calls unsuitable is
saved with a warning in the staff member's language, never refused; on suitable land, or for a
crop without a suitability raster, there is none."""
from __future__ import annotations

import numpy as np
import pytest

from tests.api.growing_helpers import area_body, commune_with_room, free_spots, make_user, square
from tests.layers.zonal_rasters import register, split_array, utm_bounds
from layers.jobs.rasters.suitability import LEGEND

ITEMS = "/collections/growing_areas/items"


@pytest.fixture
def site(demo_db, settings, tmp_path):
    """A free spot and suitability_orange over it: not suitable (3) west of its centre, suitable (1) east."""
    settings = settings.model_copy(update={"raster_dir": tmp_path})
    commune, _ = commune_with_room(demo_db)
    lon, lat = free_spots(demo_db, commune, 1)[0]
    bounds = utm_bounds(demo_db, "SELECT ST_Expand(ST_SetSRID(ST_MakePoint(%s, %s), 4326), 0.004) AS geom", lon, lat)
    array, transform = split_array(bounds, 10, 3, 1)
    register(demo_db, settings, "suitability_orange", array, transform, kind="categorical", legend=LEGEND)
    centre_x = (bounds[0] + bounds[2]) / 2  # the raster's middle column is the spot's meridian (± a pixel)
    return demo_db, settings, commune, lon, lat, make_user(demo_db, "lan", "commune_staff", [commune]), centre_x


def test_half_on_unsuitable_land_is_saved_with_a_warning(app_client, site):
    url, settings, commune, lon, lat, lan, _ = site
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    r = client.post(ITEMS, headers={**lan, "Accept-Language": "vi"}, json=area_body(square(lon, lat), commune))
    assert r.status_code == 201, r.text
    [warning] = r.json()["warnings"]
    assert warning["code"] == "suitability.unsuitable" and warning["share"] == pytest.approx(0.5, abs=0.06)
    assert "không thích hợp trồng cam" in warning["message"]
    r = client.post(ITEMS + "?lang=en", headers=lan, json=area_body(square(lon - 0.0015, lat, 100), commune))
    assert r.status_code == 201, r.text
    [warning] = r.json()["warnings"]
    assert warning["share"] == 1.0 and "not suitable for orange" in warning["message"]


def test_suitable_land_and_crops_without_rules_have_no_warning(app_client, site):
    url, settings, commune, lon, lat, lan, _ = site
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    east = area_body(square(lon + 0.0015, lat, 100), commune)
    r = client.post(ITEMS, headers=lan, json=east)
    assert r.status_code == 201 and r.json()["warnings"] == []
    greens = area_body(square(lon - 0.0015, lat, 100), commune, crop="vegetables", name="Vùng rau thử", variety=None)
    r = client.post(ITEMS, headers=lan, json=greens)
    assert r.status_code == 201, r.text
    assert r.json()["warnings"] == []


def test_an_edit_onto_unsuitable_land_warns(app_client, site):
    url, settings, commune, lon, lat, lan, _ = site
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    r = client.post(ITEMS, headers=lan, json=area_body(square(lon + 0.0015, lat, 100), commune))
    assert r.json()["warnings"] == []
    area_id, etag = r.json()["id"], r.headers["ETag"]
    r = client.patch(f"{ITEMS}/{area_id}?lang=en", headers={**lan, "If-Match": etag},
                     json={"type": "Feature", "geometry": square(lon - 0.0015, lat, 100), "properties": {}})
    assert r.status_code == 200, r.text
    assert [w["code"] for w in r.json()["warnings"]] == ["suitability.unsuitable"]


def test_an_uploaded_file_s_areas_each_get_their_warnings(app_client, site):
    import geopandas as gpd
    import shapely.geometry

    url, settings, commune, lon, lat, lan, _ = site
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    rows = [{"ten_vung": f"Vùng cam {i}", "cay_trong": "Cam", "ma_xa": commune} for i in range(2)]
    geoms = [shapely.geometry.shape(square(lon - 0.0015, lat, 100)), shapely.geometry.shape(square(lon + 0.0015, lat, 100))]
    data = gpd.GeoDataFrame(rows, geometry=geoms, crs=4326).to_json().encode()
    r = client.post("/collections/growing_areas/uploads?lang=en", headers=lan,
                    files={"file": ("cam.geojson", data, "application/geo+json")})
    assert r.status_code == 201, r.text
    west, east = sorted(r.json()["features"], key=lambda f: f["index"])
    assert [w["code"] for w in west["warnings"]] == ["suitability.unsuitable"]
    assert "not suitable for orange" in west["warnings"][0]["message"]
    assert east["warnings"] == []
