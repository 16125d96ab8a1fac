"""Every layer of the registry through every read endpoint: no layer is left out of a feature."""
from __future__ import annotations

import pytest

from layers.read.registry import LAYERS


@pytest.mark.parametrize("layer", LAYERS, ids=lambda layer: layer.id)
def test_every_endpoint_answers_for_every_layer(reader, layer):
    first = reader.get(f"/collections/{layer.id}/items?limit=2")
    assert first.status_code == 200, first.text
    fid = first.json()["features"][0]["id"]
    for path in (f"/collections/{layer.id}/items/{fid}", f"/collections/{layer.id}/items/{fid}?f=html",
                 f"/collections/{layer.id}/items?f=html&limit=3", f"/collections/{layer.id}?f=html",
                 f"/collections/{layer.id}/items?f=csv&limit=3&crs=EPSG:9210",
                 f"/collections/{layer.id}/items?datetime=2024-01-01&limit=2",
                 f"/collections/{layer.id}/queryables", f"/collections/{layer.id}/tiles/WebMercatorQuad"):
        r = reader.get(path)
        assert r.status_code == 200, (path, r.text)


@pytest.mark.parametrize("layer", LAYERS, ids=lambda layer: layer.id)
def test_every_property_sorts_pages_and_filters(reader, layer):
    for prop in layer.properties:
        if prop.type == "array":
            continue
        r = reader.get(f"/collections/{layer.id}/items", params={"limit": 5, "sortby": f"-{prop.name}"})
        assert r.status_code == 200, (prop.name, r.text)
        nxt = [link["href"] for link in r.json()["links"] if link["rel"] == "next"]
        if nxt:
            second = reader.get(nxt[0])
            assert second.status_code == 200 and not (
                {f["id"] for f in second.json()["features"]} & {f["id"] for f in r.json()["features"]})
        r = reader.get(f"/collections/{layer.id}/items", params={"limit": 1, "filter": f"{prop.name} IS NULL"})
        assert r.status_code == 200, (prop.name, r.text)
