"""Tiles made by PostGIS, decoded and checked against independent SQL on the demo province."""
from __future__ import annotations

import morecantile
import pytest
import sqlalchemy as sa

from layers.read.registry import BY_ID, LAYERS
from tiles.grid import xy_bounds
from tiles.tilesets import GRID_SUFFIX

TMS = morecantile.tms.get("WebMercatorQuad")
HOUSEHOLD_PUBLIC = {"address_code", "plus_code", "commune_code", "village_id"}


def scalar(engine, query: str, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(query), params).scalar_one()


def tile_at(engine, table: str, z: int, order: str = "id") -> tuple[int, int, int]:
    """The z tile holding the first row of `table` (by `order`)."""
    lon, lat = scalar(engine, f"SELECT ARRAY[ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))] "
                              f"FROM {table} ORDER BY {order} LIMIT 1")
    t = TMS.tile(lon, lat, z)
    return z, t.x, t.y


def test_combined_tile_has_the_layers_of_its_zoom(engine, make_tile):
    z, x, y = tile_at(engine, "tourism_places", 8)
    _, layers = make_tile(LAYERS, z, x, y)
    assert {"provinces", "communes", "ntm_results", "tourism_places", "households_grid"} <= set(layers)
    assert "villages" not in layers and "households" not in layers  # min zooms 10 and 14
    _, deeper = make_tile(LAYERS, *tile_at(engine, "households", 14))
    assert {"villages", "households", "communes"} <= set(deeper) and "households_grid" not in deeper


@pytest.mark.parametrize("z", [6, 9, 12, 15])
def test_only_registry_properties_leave(engine, make_tile, z):
    _, layers = make_tile(LAYERS, *tile_at(engine, "households", z))
    assert layers
    for name, layer in layers.items():
        allowed = {"count"} if name.endswith(GRID_SUFFIX) else set(BY_ID[name].property_names)
        for feature in layer["features"]:
            assert set(feature["properties"]) <= allowed, (name, set(feature["properties"]) - allowed)


def test_households_carry_no_personal_data(engine, make_tile):
    z, x, y = tile_at(engine, "households", 15)
    data, layers = make_tile([BY_ID["households"]], z, x, y)
    feats = layers["households"]["features"]
    assert feats and all(set(f["properties"]) <= HOUSEHOLD_PUBLIC for f in feats)
    assert any(set(f["properties"]) == HOUSEHOLD_PUBLIC for f in feats)
    with engine.connect() as conn:
        private = conn.execute(sa.text(
            "SELECT p.head_name, p.phone, p.national_id FROM private.household_private p "
            "JOIN households h ON h.id = p.household_id WHERE h.id = ANY(:ids)"),
            {"ids": [f["id"] for f in feats]}).all()
    assert private
    for values in private:
        for value in values:
            assert value is None or value.encode() not in data


@pytest.mark.parametrize("z", [7, 9, 11, 13])
def test_point_counts_equal_an_independent_count(engine, make_tile, z):
    """Points in the tile and its 256-unit buffer; positions are rounded to the 4096-unit grid, so
    a point less than half a unit beyond the buffer lands on its edge and is kept."""
    for table in ("tourism_places", "cooperatives", "ocop_products"):
        z_, x, y = tile_at(engine, table, z)
        _, layers = make_tile([BY_ID[table]], z, x, y)
        xmin, _, xmax, _ = xy_bounds(z, x, y)
        expected = scalar(engine, f"SELECT count(*) FROM {table} WHERE ST_Intersects(ST_Transform(geom, 3857), "
                                  "ST_Expand(ST_TileEnvelope(:z, :x, :y, margin => 256.0 / 4096), :half))",
                          z=z, x=x, y=y, half=(xmax - xmin) / 4096 / 2)
        assert expected > 0 and len(layers[table]["features"]) == expected, table


def test_feature_cap_keeps_the_largest_and_is_deterministic(engine, make_tile, settings):
    capped = settings.model_copy(update={"tile_feature_cap": 5})
    z, x, y = tile_at(engine, "growing_areas", 7)
    data, layers = make_tile(LAYERS, z, x, y, capped)
    assert all(len(layer["features"]) <= 5 for name, layer in layers.items() if not name.endswith(GRID_SUFFIX))
    assert len(layers["growing_areas"]["features"]) == 5 and len(layers["cooperatives"]["features"]) == 5
    largest = [r for r in scalar(engine, """
        SELECT array_agg(id) FROM (SELECT id FROM growing_areas
        WHERE status IN ('granted', 'suspended', 'revoked', 'expired')
          AND geom && ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 257.0 / 4096), 4326)
        ORDER BY ST_Area(geom) DESC, id LIMIT 5) s""", z=z, x=x, y=y)]
    assert sorted(f["id"] for f in layers["growing_areas"]["features"]) == sorted(largest)
    assert make_tile(LAYERS, z, x, y, capped)[0] == data


def test_growing_areas_are_public_rows_only(engine, make_tile):
    n_public = scalar(engine, "SELECT count(*) FROM growing_areas WHERE status IN "
                              "('granted', 'suspended', 'revoked', 'expired')")
    assert scalar(engine, "SELECT count(*) FROM growing_areas") > n_public
    statuses = set()
    for z, x, y in province_tiles(engine, 8):
        _, layers = make_tile([BY_ID["growing_areas"]], z, x, y)
        statuses |= {f["properties"]["status"] for f in layers.get("growing_areas", {"features": []})["features"]}
    assert statuses and statuses <= {"granted", "suspended", "revoked", "expired"}


def province_tiles(engine, z: int) -> list[tuple[int, int, int]]:
    west, south, east, north = scalar(engine, "SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] "
                                              "FROM (SELECT ST_Extent(geom) e FROM households) s")
    return [(t.z, t.x, t.y) for t in TMS.tiles(west, south, east, north, [z])]


@pytest.mark.parametrize("z", [6, 10, 13])
def test_households_below_z14_are_counts_that_add_up(engine, make_tile, z):
    total = 0
    tiles = province_tiles(engine, z)
    for tz, x, y in tiles[:: max(1, len(tiles) // 40)] if z == 13 else tiles:
        _, layers = make_tile([BY_ID["households"]], tz, x, y)
        assert "households" not in layers
        counts = [f["properties"]["count"] for f in layers.get("households_grid", {"features": []})["features"]]
        assert all(set(f["properties"]) == {"count"} for f in layers.get("households_grid", {"features": []})["features"])
        xmin, ymin, xmax, ymax = xy_bounds(tz, x, y)
        expected = scalar(engine, "SELECT count(*) FROM (SELECT ST_Transform(geom, 3857) p FROM households) s "
                                  "WHERE ST_X(p) >= :xmin AND ST_X(p) < :xmax AND ST_Y(p) > :ymin AND ST_Y(p) <= :ymax",
                          xmin=xmin, xmax=xmax, ymin=ymin, ymax=ymax)
        assert sum(counts) == expected
        total += expected
    if z != 13:  # every household lies in exactly one tile
        assert total == scalar(engine, "SELECT count(*) FROM households")


def test_zoom_limits_of_layers(engine, make_tile):
    z, x, y = tile_at(engine, "villages", 9)
    data, layers = make_tile([BY_ID["villages"]], z, x, y)
    assert data == b"" and layers == {}
    _, layers = make_tile([BY_ID["villages"]], *tile_at(engine, "villages", 10))
    assert layers["villages"]["features"]


def test_envelope_matches_the_grid(engine):
    for z, x, y in [(6, 50, 28), (14, 13003, 7299)]:
        box = scalar(engine, "SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] "
                             "FROM (SELECT ST_TileEnvelope(:z, :x, :y) e) s", z=z, x=x, y=y)
        assert box == pytest.approx(xy_bounds(z, x, y), abs=1e-6)


def test_polygons_are_simplified_at_low_zoom(engine, make_tile):
    def vertices(layers):
        return sum(len(ring) for f in layers["communes"]["features"]
                   for poly in ([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon"
                                else f["geometry"]["coordinates"]) for ring in poly)

    z, x, y = tile_at(engine, "communes", 6)
    _, low = make_tile([BY_ID["communes"]], z, x, y)
    stored = scalar(engine, "SELECT sum(ST_NPoints(geom)) FROM communes")
    assert vertices(low) < stored / 2
