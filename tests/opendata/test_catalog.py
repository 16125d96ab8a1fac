"""The DCAT catalog parses as RDF and every dataset and distribution has the DCAT-AP fields, in the
shape CKAN's ckanext-dcat harvester reads (licence, format labels), with the OGC API as a
DataService; the catalog's own IRI answers with the catalog (issue 12, item 5).

The full harvest through ckanext-dcat's parser runs in .ci/ckan-harvest-check.sh (it installs CKAN
in a throwaway venv); here the catalog is held to what that parser relies on."""
from __future__ import annotations

import hashlib

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS

from api.routes.opendata import catalog_kind
from layers.jobs.opendata.catalog import (
    API_DISTRIBUTION_PROPERTIES, DATASET_PROPERTIES, DISTRIBUTION_PROPERTIES, SPDX,
)
from layers.jobs.opendata.catalog_terms import OGC_FEATURES, OGC_TILES
from layers.jobs.opendata.datasets import all_datasets

# The URLs CKAN's default licence register (ckan.model.license) lists; ckanext-dcat maps a
# distribution's licence to an id only through one of these (or a register title).
CKAN_LICENCE_URLS = {"cc-by": "http://www.opendefinition.org/licenses/cc-by",
                     "cc-by-sa": "http://www.opendefinition.org/licenses/cc-by-sa",
                     "cc-zero": "http://www.opendefinition.org/licenses/cc-zero"}


def graph(client, path: str, fmt: str, **kw) -> Graph:
    r = client.get(path, **kw)
    assert r.status_code == 200, r.text
    return Graph().parse(data=r.text, format=fmt)


def raster_ids(client) -> set[str]:
    """The release's raster datasets (layers.jobs.opendata.rasters: a COG and a legend each, served
    as map tiles): none unless the demo holds rasters."""
    man = client.get("/opendata/releases/latest/release.json").json()
    return {k for k, d in man["datasets"].items() if d.get("raster")}


def test_turtle_jsonld_and_rdfxml_are_the_same_catalog(od_client):
    ttl = graph(od_client, "/opendata/catalog.ttl", "turtle")
    assert len(ttl) > 1000
    assert isomorphic(ttl, graph(od_client, "/opendata/catalog.jsonld", "json-ld"))
    assert isomorphic(ttl, graph(od_client, "/opendata/catalog.rdf", "xml"))


def test_every_dataset_and_distribution_has_the_fields(od_client):
    g = graph(od_client, "/opendata/catalog.ttl", "turtle")
    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    rasters = raster_ids(od_client)
    assert {str(g.value(d, DCTERMS.identifier)) for d in datasets} == {d.id for d in all_datasets()} | rasters
    files = 0
    for d in datasets:
        missing = [p for p in DATASET_PROPERTIES if g.value(d, p) is None]
        assert not missing, (d, missing)
        assert {t.language for t in g.objects(d, DCTERMS.title)} == {"vi", "en"}
        assert {t.language for t in g.objects(d, DCTERMS.description)} == {"vi", "en"}
        bboxes = [g.value(s, DCAT.bbox) for s in g.objects(d, DCTERMS.spatial)]
        assert any(bboxes)
        assert g.value(g.value(d, DCTERMS.temporal), DCAT.startDate) is not None
        for dist in g.objects(d, DCAT.distribution):
            api = g.value(dist, DCAT.accessService) is not None
            missing = [p for p in (API_DISTRIBUTION_PROPERTIES if api else DISTRIBUTION_PROPERTIES)
                       if g.value(dist, p) is None]
            assert not missing, (dist, missing)
            assert str(g.value(dist, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")
            if not api:
                files += 1
                checksum = g.value(dist, SPDX.checksum)
                assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert files >= 6 * (len(datasets) - len(rasters)) + 2 * len(rasters)
    attribution = " ".join(str(o) for o in g.objects(None, RDFS.label))
    assert "thanglequoc/vietnamese-provinces-database" in attribution


@pytest.mark.parametrize("path,fmt", [("/opendata/catalog.ttl", "turtle"), ("/opendata/catalog.jsonld", "json-ld"),
                                      ("/opendata/catalog.rdf", "xml")])
def test_licence_and_formats_read_as_ckanext_dcat_reads_them(od_client, path, fmt):
    """ckanext-dcat (profiles/base.py): `_license` looks the distribution's dct:license IRI up in
    CKAN's licence register; `_distribution_format` takes the label from rdfs:label only if the
    dct:format node's first rdf:type is dct:IMT, else the label is the IRI (what the harvest
    showed before); the media type is dcat:mediaType's rdfs:label when it has one."""
    g = graph(od_client, path, fmt)
    dists = list(g.subjects(RDF.type, DCAT.Distribution))
    assert dists
    for dist in dists:
        licence = g.value(dist, DCTERMS.license)
        assert str(licence) == CKAN_LICENCE_URLS["cc-by"], dist
        assert g.value(licence, DCTERMS.identifier).toPython() == "CC-BY-4.0"
        assert g.value(licence, SKOS.exactMatch) == URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
        assert g.value(licence, RDFS.seeAlso) == URIRef("https://creativecommons.org/licenses/by/4.0/")
        fmt_node = g.value(dist, DCTERMS.format)
        assert next(g.objects(fmt_node, RDF.type)) == DCTERMS.IMT, (dist, fmt_node)
        assert (fmt_node, RDF.type, DCTERMS.MediaTypeOrExtent) in g  # what the DCAT-AP shapes ask
        label = g.value(fmt_node, RDFS.label)
        assert label is not None and "/" not in str(label) and str(fmt_node).endswith(f"/{label}")
        media = g.value(dist, DCAT.mediaType)
        assert str(media).endswith(f"/{g.value(media, RDFS.label)}")
    labels = {str(g.value(g.value(d, DCTERMS.format), RDFS.label)) for d in dists}
    assert {"CSV", "GEOJSON", "GPKG", "SHP", "PARQUET"} <= labels


def test_terms_carry_the_classes_the_dcat_ap_shapes_check(od_client):
    """The DCAT-AP 3 SHACL shapes check `sh:class` on these values; a validator without the EU
    vocabularies loaded sees only what the catalog says, so it says it."""
    g = graph(od_client, "/opendata/catalog.ttl", "turtle")
    expected = {DCAT.theme: SKOS.Concept, DCTERMS.accrualPeriodicity: DCTERMS.Frequency,
                DCTERMS.language: DCTERMS.LinguisticSystem, DCTERMS.conformsTo: DCTERMS.Standard,
                DCAT.landingPage: FOAF.Document, DCTERMS.publisher: FOAF.Agent, DCTERMS.license: DCTERMS.LicenseDocument,
                DCAT.mediaType: DCTERMS.MediaType, DCTERMS.format: DCTERMS.MediaTypeOrExtent,
                DCAT.downloadURL: RDFS.Resource, DCAT.accessURL: RDFS.Resource, DCTERMS.accessRights: DCTERMS.RightsStatement}
    for prop, cls in expected.items():
        values = set(g.objects(None, prop))
        assert values, prop
        untyped = [v for v in values if (v, RDF.type, cls) not in g]
        assert not untyped, (prop, cls, untyped[:3])
    # DCAT-AP 3 wants locn:geometry as a locn:Geometry node: the bbox is dcat:bbox instead.
    assert not list(g.objects(None, URIRef("http://www.w3.org/ns/locn#geometry")))


def test_ogc_api_is_a_data_service_serving_the_layers(od_client):
    g = graph(od_client, "/opendata/catalog.ttl", "turtle")
    base = str(od_client.base_url).rstrip("/")
    cat = next(g.subjects(RDF.type, DCAT.Catalog))
    services = list(g.subjects(RDF.type, DCAT.DataService))
    assert len(services) == 1 and (cat, DCAT.service, services[0]) in g
    svc = services[0]
    assert str(g.value(svc, DCAT.endpointURL)) == f"{base}/"
    assert str(g.value(svc, DCAT.endpointDescription)) == f"{base}/api"
    assert {OGC_FEATURES, OGC_TILES} <= set(g.objects(svc, DCTERMS.conformsTo))
    rasters = raster_ids(od_client)
    layer_ids = {d.id for d in all_datasets() if d.layer_id} | rasters
    served = {str(g.value(d, DCTERMS.identifier)) for d in g.objects(svc, DCAT.servesDataset)}
    assert served == layer_ids and len(served) >= 10
    assert od_client.get("/api").status_code == 200
    for d in g.objects(svc, DCAT.servesDataset):
        api = [x for x in g.objects(d, DCAT.distribution) if g.value(x, DCAT.accessService) == svc]
        assert len(api) == 1, d
        url = str(g.value(api[0], DCAT.accessURL))
        ds_id = str(g.value(d, DCTERMS.identifier))
        assert url == f"{base}/collections/{ds_id}" + ("/map/tiles" if ds_id in rasters else "")
        assert od_client.get(url).status_code == 200, url


def test_the_catalog_iri_answers_with_the_catalog(od_client):
    ttl = graph(od_client, "/opendata/catalog.ttl", "turtle")
    iri = next(ttl.subjects(RDF.type, DCAT.Catalog))
    base = str(od_client.base_url).rstrip("/")
    assert str(iri) == f"{base}/opendata/catalog"
    cases = {"text/turtle": ("turtle", "text/turtle"), "application/ld+json": ("json-ld", "application/ld+json"),
             "application/rdf+xml": ("xml", "application/rdf+xml"),
             "text/turtle;q=0.5, application/ld+json;q=0.9": ("json-ld", "application/ld+json"),
             "*/*": ("json-ld", "application/ld+json")}
    for accept, (fmt, media) in cases.items():
        r = od_client.get(str(iri), headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(media), accept
        assert "Accept" in r.headers["vary"]
        assert isomorphic(Graph().parse(data=r.text, format=fmt), ttl), accept
    page = od_client.get(str(iri), headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'href="datasets/communes?f=html' in page.text and "catalog.ttl" in page.text
    assert od_client.get(str(iri), params={"f": "ttl"}, headers={"Accept": "text/html"}).headers[
        "content-type"].startswith("text/turtle")
    refused = od_client.get(str(iri), headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "text/turtle" in refused.json()["description"]


@pytest.mark.parametrize("accept,kind", [
    (None, "jsonld"), ("", "jsonld"), ("text/turtle", "turtle"), ("application/json", "jsonld"),
    ("text/*", "turtle"), ("application/*;q=0.2, text/html;q=0.1", "jsonld"),
    ("text/html;q=0, */*;q=0.1", "jsonld"), ("application/ld+json;q=0, text/turtle;q=0.01", "turtle"),
    ("application/ld+json;q=0", None), ("image/png, text/plain", None), ("TEXT/Turtle", "turtle"),
])
def test_catalog_negotiation_honours_q_values(accept, kind):
    assert catalog_kind(accept) == kind


def test_download_urls_give_the_bytes_the_catalog_promises(od_client):
    g = graph(od_client, "/opendata/catalog.ttl", "turtle")
    for dist in g.subjects(RDF.type, DCAT.Distribution):
        if g.value(dist, DCAT.downloadURL) is None:
            continue  # the OGC API distributions
        url = str(g.value(dist, DCAT.downloadURL))
        r = od_client.get(url)
        assert r.status_code == 200, url
        assert len(r.content) == int(g.value(dist, DCAT.byteSize))
        digest = str(g.value(g.value(dist, SPDX.checksum), SPDX.checksumValue))
        assert hashlib.sha256(r.content).hexdigest() == digest, url
        assert r.headers["etag"] == f'"{digest}"'


def test_base_url_setting_is_used_in_links(app_client, od_settings, od_demo, release):
    c = app_client(od_demo, settings=od_settings, opendata_base_url="https://data.example.vn/ntm/")
    g = Graph().parse(data=c.get("/opendata/catalog.ttl").text, format="turtle")
    urls = [str(u) for u in g.objects(None, DCAT.downloadURL)]
    assert urls and all(u.startswith("https://data.example.vn/ntm/opendata/releases/1.0.0/") for u in urls)
    assert str(next(g.subjects(RDF.type, DCAT.Catalog))) == "https://data.example.vn/ntm/opendata/catalog"
