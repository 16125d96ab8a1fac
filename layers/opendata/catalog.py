"""The DCAT-AP / GeoDCAT-AP catalog of the latest release, as RDF (Turtle and JSON-LD).

Built per request from the release manifest and the public base URL, with rdflib, using the
properties CKAN's ckanext-dcat harvester reads (title, description, keyword, theme, publisher,
contactPoint, license, rights, spatial, temporal, accrualPeriodicity, modified, version; per
distribution accessURL, downloadURL, mediaType, format, byteSize, spdx:checksum). Titles and
descriptions carry both @vi and @en literals. Download URLs point into the immutable release
directory, so a harvested link never changes content.
"""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, XSD

from layers.config import Settings
from layers.opendata.manifest import BOUNDARY_ATTRIBUTION

ADMS = Namespace("http://www.w3.org/ns/adms#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
EPSG_4326 = URIRef("http://www.opengis.net/def/crs/EPSG/0/4326")
DCAT_VERSION = URIRef(f"{DCAT}version")  # DCAT 3; rdflib's DCAT namespace is DCAT 2
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
THEMES = {"admin": ("REGI", "GOVE"), "addresses": ("REGI",), "ntm": ("AGRI", "REGI"),
          "growing_areas": ("AGRI",), "agriculture": ("AGRI",), "tourism": ("ECON", "AGRI"),
          "indicators": ("AGRI", "REGI")}
CONTEXT = {"dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "owl": str(OWL), "adms": str(ADMS),
           "spdx": str(SPDX), "vcard": str(VCARD), "locn": str(LOCN), "gsp": str(GSP), "xsd": str(XSD)}
# What every dataset and distribution carries (tests/opendata/test_catalog.py checks them all).
DATASET_PROPERTIES = (DCTERMS.title, DCTERMS.description, DCAT.keyword, DCAT.theme, DCTERMS.publisher,
                      DCAT.contactPoint, DCTERMS.license, DCTERMS.rights, DCTERMS.spatial, DCTERMS.temporal,
                      DCTERMS.accrualPeriodicity, DCTERMS.modified, OWL.versionInfo, DCAT_VERSION,
                      DCTERMS.identifier, DCAT.distribution, DCAT.landingPage)
DISTRIBUTION_PROPERTIES = (DCTERMS.title, DCAT.accessURL, DCAT.downloadURL, DCAT.mediaType, DCTERMS.format,
                           DCAT.byteSize, SPDX.checksum, DCTERMS.license, DCTERMS.modified)


def _both(g: Graph, node, prop, vi: str, en: str) -> None:
    g.add((node, prop, Literal(vi, lang="vi")))
    g.add((node, prop, Literal(en, lang="en")))


def _agent(g: Graph, settings: Settings) -> BNode:
    agent = BNode("publisher")
    g.add((agent, RDF.type, FOAF.Organization))
    _both(g, agent, FOAF.name, settings.opendata_publisher, settings.opendata_publisher_en)
    g.add((agent, FOAF.mbox, URIRef(f"mailto:{settings.opendata_contact_email}")))
    return agent


def _contact(g: Graph, settings: Settings) -> BNode:
    contact = BNode("contact")
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(settings.opendata_publisher_en)))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.opendata_contact_email}")))
    return contact


def _spatial(g: Graph, bbox) -> BNode:
    loc = BNode()
    g.add((loc, RDF.type, DCTERMS.Location))
    w, s, e, n = bbox
    wkt = f"POLYGON(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))"
    g.add((loc, DCAT.bbox, Literal(wkt, datatype=GSP.wktLiteral)))
    g.add((loc, LOCN.geometry, Literal(wkt, datatype=GSP.wktLiteral)))
    return loc


def _temporal(g: Graph, start: str, end: str) -> BNode:
    t = BNode()
    g.add((t, RDF.type, DCTERMS.PeriodOfTime))
    g.add((t, DCAT.startDate, Literal(start, datatype=XSD.date)))
    g.add((t, DCAT.endDate, Literal(end, datatype=XSD.date)))
    return t


def catalog_graph(man: dict, base: str, settings: Settings) -> Graph:
    """`base`: the service's public root URL without a trailing slash."""
    g = Graph()
    for prefix, ns in CONTEXT.items():
        g.bind(prefix, ns)
    version, created = man["version"], man["created"]
    cat = URIRef(f"{base}/opendata/catalog")
    g.add((cat, RDF.type, DCAT.Catalog))
    _both(g, cat, DCTERMS.title, "Dữ liệu mở nông thôn mới", "New Rural Development open data")
    _both(g, cat, DCTERMS.description,
          "Dữ liệu mở về kết quả xây dựng nông thôn mới, vùng trồng, du lịch nông thôn và mã địa chỉ.",
          "Open data about New Rural Development results, growing areas, rural tourism and address codes.")
    publisher, contact = _agent(g, settings), _contact(g, settings)
    license_ = URIRef(settings.opendata_license)
    g.add((license_, RDF.type, DCTERMS.LicenseDocument))
    g.add((license_, DCTERMS.title, Literal(settings.opendata_license_title)))
    rights = BNode("rights")
    g.add((rights, RDF.type, DCTERMS.RightsStatement))
    g.add((rights, RDFS_LABEL, Literal(BOUNDARY_ATTRIBUTION)))
    frequency = URIRef(f"{EU}frequency/{settings.opendata_update_frequency}")
    g.add((cat, DCTERMS.publisher, publisher))
    g.add((cat, DCTERMS.license, license_))
    g.add((cat, DCTERMS.modified, Literal(created, datatype=XSD.dateTime)))
    g.add((cat, FOAF.homepage, URIRef(f"{base}/opendata")))
    for lang in ("VIE", "ENG"):
        g.add((cat, DCTERMS.language, URIRef(f"{EU}language/{lang}")))
    for ds in man["datasets"].values():
        d = URIRef(f"{base}/opendata/datasets/{ds['id']}")
        g.add((cat, DCAT.dataset, d))
        g.add((d, RDF.type, DCAT.Dataset))
        g.add((d, DCTERMS.identifier, Literal(ds["id"])))
        _both(g, d, DCTERMS.title, ds["title_vi"], ds["title_en"])
        _both(g, d, DCTERMS.description, ds["description_vi"], ds["description_en"])
        for kw in ds["keywords"]:
            g.add((d, DCAT.keyword, Literal(kw)))
        for theme in THEMES.get(ds["theme"], ("AGRI",)):
            g.add((d, DCAT.theme, URIRef(f"{EU}data-theme/{theme}")))
        g.add((d, DCTERMS.publisher, publisher))
        g.add((d, DCAT.contactPoint, contact))
        g.add((d, DCTERMS.license, license_))
        g.add((d, DCTERMS.rights, rights))
        g.add((d, DCTERMS.conformsTo, EPSG_4326))  # GeoDCAT-AP: the reference system
        g.add((d, DCTERMS.spatial, _spatial(g, ds["bbox"] or [-180, -90, 180, 90])))
        start, end = ds["temporal"] or (created[:10], created[:10])
        g.add((d, DCTERMS.temporal, _temporal(g, start, end)))
        g.add((d, DCTERMS.accrualPeriodicity, frequency))
        g.add((d, DCTERMS.modified, Literal(ds["modified"], datatype=XSD.dateTime)))
        g.add((d, DCTERMS.issued, Literal(ds.get("issued", created), datatype=XSD.dateTime)))
        g.add((d, OWL.versionInfo, Literal(version)))
        g.add((d, DCAT_VERSION, Literal(version)))
        g.add((d, ADMS.versionNotes, Literal(f"{base}/opendata/releases/{version}/CHANGELOG.md")))
        g.add((d, DCAT.landingPage, URIRef(f"{base}/opendata/datasets/{ds['id']}")))
        for lang in ("VIE", "ENG"):
            g.add((d, DCTERMS.language, URIRef(f"{EU}language/{lang}")))
        for dist in ds["distributions"]:
            _distribution(g, d, ds, dist, base, version, license_, rights)
    return g



def _distribution(g: Graph, d, ds: dict, dist: dict, base: str, version: str, license_, rights) -> None:
    url = f"{base}/opendata/releases/{version}/{dist['path']}"
    node = URIRef(f"{base}/opendata/datasets/{ds['id']}#{dist['format']}")
    g.add((d, DCAT.distribution, node))
    g.add((node, RDF.type, DCAT.Distribution))
    _both(g, node, DCTERMS.title, f"{ds['title_vi']} ({dist['title']})", f"{ds['title_en']} ({dist['title']})")
    g.add((node, DCAT.accessURL, URIRef(f"{base}/opendata/datasets/{ds['id']}")))
    g.add((node, DCAT.downloadURL, URIRef(url)))
    g.add((node, DCAT.mediaType, URIRef(IANA + dist["media_type"])))
    g.add((node, DCTERMS.format, URIRef(f"{EU}file-type/{dist['file_type']}")))
    g.add((node, DCAT.byteSize, Literal(dist["bytes"], datatype=XSD.nonNegativeInteger)))
    checksum = BNode()
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(dist["sha256"], datatype=XSD.hexBinary)))
    g.add((node, SPDX.checksum, checksum))
    g.add((node, DCTERMS.license, license_))
    g.add((node, DCTERMS.rights, rights))
    g.add((node, DCTERMS.modified, Literal(ds["modified"], datatype=XSD.dateTime)))
    g.add((node, DCTERMS.conformsTo, EPSG_4326))


def turtle(man: dict, base: str, settings: Settings) -> str:
    return catalog_graph(man, base, settings).serialize(format="turtle")


def jsonld(man: dict, base: str, settings: Settings) -> str:
    return catalog_graph(man, base, settings).serialize(format="json-ld", context=CONTEXT, indent=1)
