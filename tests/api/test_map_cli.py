"""`ntm-map map`: standalone folium maps with the layer's public features and nothing personal."""
from __future__ import annotations

import json
import re

import psycopg
import pytest
from click.testing import CliRunner

from api.cli import main


def run(args, url, **env):
    return CliRunner().invoke(main, args, env={"DATABASE_URL": url, **env})


def rows(url, query, params=()):
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def geojson_layers(html: str) -> list[dict]:
    """The FeatureCollections folium wrote into the page (one `geo_json_…_add({...});` line each)."""
    return [json.loads(m.group(1)) for m in re.finditer(r"^\s*geo_json_\w+_add\((\{.*\})\);$", html, re.M)]


def external_urls(html: str) -> list[str]:
    return re.findall(r"""<(?:script|link)[^>]+(?:src|href)=["']((?:https?:)?//[^"']+)""", html)


@pytest.fixture(scope="module")
def commune(shared_demo):
    """A commune with households and tourism places."""
    return rows(shared_demo, "SELECT h.commune_code FROM households h JOIN tourism_places t USING (commune_code) "
                             "GROUP BY 1 ORDER BY count(DISTINCT h.id) DESC LIMIT 1")[0][0]


def test_map_of_a_commune_holds_its_features_and_no_personal_data(shared_demo, commune, tmp_path):
    out = tmp_path / "map.html"
    r = run(["map", "households", "tourism_places", "--commune", commune, "--out", str(out)], shared_demo)
    assert r.exit_code == 0, r.output
    assert "offline" in r.output
    html = out.read_text(encoding="utf-8")
    data = geojson_layers(html)
    codes = {f["properties"].get("address_code") for fc in data for f in fc["features"]}
    expected = {c for (c,) in rows(shared_demo, "SELECT address_code FROM households WHERE commune_code = %s", (commune,))}
    assert expected and expected <= codes
    places = {f["properties"].get("name_vi") for fc in data for f in fc["features"]}
    assert {n for (n,) in rows(shared_demo, "SELECT name_vi FROM tourism_places WHERE commune_code = %s", (commune,))} <= places
    # Only the commune's features, and only public fields.
    commune_codes = {f["properties"]["commune_code"] for fc in data for f in fc["features"]
                     if "commune_code" in f["properties"] and "address_code" in f["properties"]}
    assert commune_codes == {commune}
    keys = {k for fc in data for f in fc["features"] for k in f["properties"]}
    assert not keys & {"head_name", "phone_private", "national_id", "members", "poverty_status", "income"}
    private = rows(shared_demo, "SELECT p.head_name, p.phone, p.national_id FROM private.household_private p "
                                "JOIN households h ON h.id = p.household_id WHERE h.commune_code = %s "
                                "AND p.head_name IS NOT NULL LIMIT 50", (commune,))
    assert private
    for name, phone, national_id in private:
        assert name not in html
        assert not phone or phone not in html
        assert not national_id or national_id not in html


def test_offline_map_inlines_leaflet_and_loads_nothing_from_outside(shared_demo, tmp_path):
    out = tmp_path / "ntm.html"
    r = run(["map", "ntm_results", "--out", str(out), "--lang", "en"], shared_demo)
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert external_urls(html) == []
    assert "cdn." not in html and "tile.openstreetmap" not in html
    assert "Leaflet" in html and "L.map(" in html  # Leaflet itself is in the file
    levels = {f["properties"]["level"] for fc in geojson_layers(html) for f in fc["features"] if "level" in f["properties"]}
    assert levels and levels <= {"model", "advanced", "standard", "not_met"}
    assert "New Rural Development results" in html  # layer name in the chosen language


def test_online_map_says_it_needs_internet(shared_demo, tmp_path):
    out = tmp_path / "online.html"
    r = run(["map", "tourism_routes", "--online", "--out", str(out)], shared_demo)
    assert r.exit_code == 0 and "needs internet" in r.output
    assert any("leaflet" in u for u in external_urls(out.read_text(encoding="utf-8")))


@pytest.mark.parametrize("args, message", [
    (["nope"], "unknown layer nope; known layers: provinces"),
    (["communes", "--commune", "123"], "5 digits"),
    (["communes", "--commune", "99999"], "no current commune has the code 99999"),
])
def test_bad_arguments_say_what_is_wrong_and_write_nothing(shared_demo, tmp_path, args, message):
    out = tmp_path / "x.html"
    r = run(["map", *args, "--out", str(out)], shared_demo)
    assert r.exit_code != 0 and message in r.output
    assert not out.exists()


def test_offline_without_leaflet_says_how_to_get_it(shared_demo, tmp_path):
    out = tmp_path / "x.html"
    r = run(["map", "communes", "--out", str(out)], shared_demo, NTM_VENDOR_DIR=str(tmp_path))
    assert r.exit_code == 1 and "npm ci" in r.output and "--online" in r.output
    assert not out.exists()
