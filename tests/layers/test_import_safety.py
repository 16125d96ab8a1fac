"""`ntm-map import` opens a file only as what its name says, unless the administrator passes
--trust-file (issue 11, item 1): a VRT under a GeoJSON, JSON or KML name, alone or zipped,
reading a local secret or a URL, is refused with a message that names the flag, the secret never
shows, no request leaves, and nothing is loaded."""
from __future__ import annotations

import psycopg
import pytest
from click.testing import CliRunner

from api.cli import main
from tests.hostile_files import SECRET, canary, secret_file, vrt, zipped
from tests.layers.import_files import VINH_LOC, refused, run, square
from tests.support import scalar


def hostile(tmp_path, name: str, source: str):
    text = vrt(source)
    if name.endswith(".kml"):
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + text
    path = tmp_path / (name if "/" not in name else name.split("/")[0])
    if "/" in name:  # zip/member
        path.write_bytes(zipped(name.split("/")[1], text))
    else:
        path.write_text(text)
    return path


NAMES = ["vung.geojson", "vung.json", "vung.kml", "vung.zip/vung.geojson", "vung.zip/vung.kml", "vung.kmz/doc.kml"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("source", ["local", "url"])
def test_a_disguised_vrt_is_refused_and_reads_nothing(db, tmp_path, name, source):
    with canary() as (url, hits):
        target = str(secret_file(tmp_path)) if source == "local" else f"/vsicurl/{url}/secret.csv"
        path = hostile(tmp_path, name, target)
        failure = refused(db, "growing_areas", path)
    message = str(failure)
    assert SECRET not in message and "secret" not in message.lower()
    assert "--trust-file" in message
    assert "is not KML" in message or "is not GeoJSON" in message
    assert hits == []


def test_trust_file_reads_the_administrators_own_vrt(db, tmp_path):
    """The flag is the way to use GDAL's full power on one's own files, and it works."""
    csv = tmp_path / "vung_trong.csv"
    csv.write_text(f'ten,cay_trong,wkt\nVùng cam VRT,Cam,"{square(db, VINH_LOC).wkt}"\n', encoding="utf-8")
    path = tmp_path / "vung.vrt.geojson"
    path.write_text(f"""<OGRVRTDataSource><OGRVRTLayer name="vung_trong">
  <SrcDataSource>{csv}</SrcDataSource><GeometryField encoding="WKT" field="wkt"/><LayerSRS>EPSG:4326</LayerSRS>
</OGRVRTLayer></OGRVRTDataSource>""")
    refused(db, "growing_areas", path)
    report = run(db, "growing_areas", path, trust_file=True)
    assert report.rows_loaded == 1
    assert scalar(db, "SELECT crop FROM growing_areas WHERE name = 'Vùng cam VRT'") == "orange"


def test_cli_refuses_a_disguised_vrt_and_names_the_flag(demo_db, tmp_path):
    path = hostile(tmp_path, "vung.geojson", str(secret_file(tmp_path)))
    with psycopg.connect(demo_db) as conn:
        before = scalar(conn, "SELECT count(*) FROM growing_areas")
    result = CliRunner().invoke(main, ["import", "growing_areas", str(path)], env={"DATABASE_URL": demo_db})
    assert result.exit_code != 0
    assert "is not GeoJSON" in result.output and "--trust-file" in result.output
    assert SECRET not in result.output
    with psycopg.connect(demo_db) as conn:
        assert scalar(conn, "SELECT count(*) FROM growing_areas") == before


def test_values_echoed_in_the_report_are_cut_short(db, tmp_path):
    """A long crop name (whatever its source) is quoted to 60 characters at most."""
    long_crop = "Cây " + "x" * 5000 + " END-OF-VALUE"
    csv = tmp_path / "vung.csv"
    csv.write_text(f'ten,cay_trong,wkt\nVùng dài,"{long_crop}","{square(db, VINH_LOC).wkt}"\n', encoding="utf-8")
    failure = refused(db, "growing_areas", csv)
    assert "unknown crop 'Cây xxx" in str(failure) and "END-OF-VALUE" not in str(failure)
    assert max(len(line) for line in str(failure).splitlines()) < 400
