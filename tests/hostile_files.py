"""Hostile vector files for the upload and import safety tests (no tests here).

Each is what an outside tester sent (issue 11): a GDAL VRT or GDALG pipeline under a GeoJSON,
JSON or KML name, alone or zipped, whose "features" are the lines of a local file or of a URL.
The VRT maps each line of its source to `cay_trong` (crop) and gives every row a small square,
so a reader that follows it reports "unknown crop '<line>'": the secret comes back in the report.
`canary` is a loopback HTTP server that serves a secret and counts who asked for it.
"""
from __future__ import annotations

import http.server
import io
import json
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path
from xml.sax.saxutils import escape

SECRET = "TOPSECRET-ntm-4f1c9"
SQUARE = "POLYGON ((105.6 18.6, 105.601 18.6, 105.601 18.601, 105.6 18.601, 105.6 18.6))"


def secret_file(folder: Path) -> Path:
    """A local file nobody may read through an upload: one secret per line."""
    path = folder / "cluster-credentials.txt"
    path.write_text(f"{SECRET}-line-1\n{SECRET}-line-2\n", encoding="utf-8")
    return path


def vrt(source: str, square: str = SQUARE) -> str:
    """An OGR VRT turning each line of `source` (a path or /vsicurl/ URL) into a crop name."""
    return f"""<OGRVRTDataSource>
  <OGRVRTLayer name="vung_trong">
    <SrcDataSource>{escape("CSV:" + source)}</SrcDataSource>
    <OpenOptions><OOI key="HEADERS">NO</OOI></OpenOptions>
    <SrcSQL>SELECT 'Vung' AS ten_vung, field_1 AS cay_trong, '{square}' AS wkt FROM "{escape(Path(source).stem)}"</SrcSQL>
    <GeometryField encoding="WKT" field="wkt"/>
    <LayerSRS>EPSG:4326</LayerSRS>
  </OGRVRTLayer>
</OGRVRTDataSource>
"""


def gdalg(source: str) -> str:
    """A GDALG pipeline (GDAL 3.11+) reading `source`, under any name GDAL sniffs by content."""
    return json.dumps({"type": "gdal_streamed_alg", "relative_paths_relative_to_this_file": False,
                       "command_line": f"gdal vector pipeline ! read CSV:{source} ! write --of stream streamed"})


def zipped(name: str, text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, text)
    return buf.getvalue()


def geojson_with_crs_link(url: str) -> str:
    """Legitimate-looking GeoJSON whose old-style `crs` is a link GDAL would fetch."""
    return json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "link", "properties": {"href": url, "type": "ogcwkt"}},
        "features": [{"type": "Feature", "properties": {"cay_trong": "Chè"},
                      "geometry": {"type": "Point", "coordinates": [105.6, 18.6]}}]})


@contextmanager
def canary():
    """A loopback HTTP server answering every GET/HEAD with a CSV of secrets; yields (url, hits)."""
    hits: list[str] = []
    body = f"{SECRET}-from-the-network\n".encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()

        def do_GET(self):
            self.do_HEAD()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
