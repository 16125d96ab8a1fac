"""The DCAT catalog parses as RDF and every dataset and distribution has the DCAT-AP fields."""
from __future__ import annotations

import hashlib

from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF

from layers.opendata.catalog import DATASET_PROPERTIES, DISTRIBUTION_PROPERTIES, SPDX
from layers.opendata.datasets import all_datasets


def graph(client, path: str, fmt: str) -> Graph:
    r = client.get(path)
    assert r.status_code == 200, r.text
    return Graph().parse(data=r.text, format=fmt)


def test_turtle_and_jsonld_are_the_same_catalog(od_client):
    ttl = graph(od_client, "/opendata/catalog.ttl", "turtle")
    jsonld = graph(od_client, "/opendata/catalog.jsonld", "json-ld")
    assert len(ttl) > 1000
    assert isomorphic(ttl, jsonld)


def test_every_dataset_and_distribution_has_the_fields(od_client):
    g = graph(od_client, "/opendata/catalog.ttl", "turtle")
    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    assert {str(g.value(d, DCTERMS.identifier)) for d in datasets} == {d.id for d in all_datasets()}
    n_dist = 0
    for d in datasets:
        missing = [p for p in DATASET_PROPERTIES if g.value(d, p) is None]
        assert not missing, (d, missing)
        assert {t.language for t in g.objects(d, DCTERMS.title)} == {"vi", "en"}
        assert {t.language for t in g.objects(d, DCTERMS.description)} == {"vi", "en"}
        assert str(g.value(d, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
        assert g.value(g.value(d, DCTERMS.spatial), DCAT.bbox) is not None
        assert g.value(g.value(d, DCTERMS.temporal), DCAT.startDate) is not None
        for dist in g.objects(d, DCAT.distribution):
            n_dist += 1
            missing = [p for p in DISTRIBUTION_PROPERTIES if g.value(dist, p) is None]
            assert not missing, (dist, missing)
            assert str(g.value(dist, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")
            checksum = g.value(dist, SPDX.checksum)
            assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert n_dist >= 6 * len(datasets)
    attribution = " ".join(str(o) for o in g.objects(None, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert "thanglequoc/vietnamese-provinces-database" in attribution


def test_download_urls_give_the_bytes_the_catalog_promises(od_client):
    g = graph(od_client, "/opendata/catalog.ttl", "turtle")
    for dist in g.subjects(RDF.type, DCAT.Distribution):
        url = str(g.value(dist, DCAT.downloadURL))
        r = od_client.get(url)
        assert r.status_code == 200, url
        assert len(r.content) == int(g.value(dist, DCAT.byteSize))
        digest = str(g.value(g.value(dist, SPDX.checksum), SPDX.checksumValue))
        assert hashlib.sha256(r.content).hexdigest() == digest, url
        assert r.headers["etag"] == f'"{digest}"'


def test_base_url_setting_is_used_in_links(od_settings, od_demo, release):
    from fastapi.testclient import TestClient

    from api.app import create_app

    s = od_settings.model_copy(update={"opendata_base_url": "https://data.example.vn/ntm/"})
    with TestClient(create_app(s, url=od_demo)) as c:
        g = Graph().parse(data=c.get("/opendata/catalog.ttl").text, format="turtle")
    urls = [str(u) for u in g.objects(None, DCAT.downloadURL)]
    assert urls and all(u.startswith("https://data.example.vn/ntm/opendata/releases/1.0.0/") for u in urls)
