"""The DCAT-AP / GeoDCAT-AP catalog of the latest release, as RDF (Turtle, JSON-LD, RDF/XML).

Built once per release and base URL (api.pages.opendata_cache) from the release manifest, with rdflib,
using the properties CKAN's ckanext-dcat harvester reads (title, description, keyword, theme,
publisher, contactPoint, license, rights, accessRights, spatial, temporal, accrualPeriodicity,
modified, version; per distribution accessURL, downloadURL, mediaType, format, byteSize,
spdx:checksum). Titles and descriptions carry both @vi and @en literals. Download URLs point into
the immutable release directory, so a harvested link never changes content. The OGC API is a
`dcat:DataService` serving the layer datasets, each of which also has an API distribution.
Terms (licence, formats, vocabularies) are written as layers.jobs.opendata.catalog_terms explains.
The catalog's own IRI is `{base}/opendata/catalog`, which answers with this document.
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from geo import vocabulary
from geo.vocabulary import per_code
from layers.db.settings import Settings
from layers.jobs.opendata import catalog_terms as terms
from layers.jobs.opendata.catalog_terms import EU, SPDX
from layers.jobs.opendata.manifest import BOUNDARY_ATTRIBUTION
from layers.jobs.opendata.rasters import crs_iri

ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
DCAT_VERSION = URIRef(f"{DCAT}version")  # DCAT 3; rdflib's DCAT namespace is DCAT 2
THEME_LABELS = {"AGRI": "Agriculture, fisheries, forestry and food", "ECON": "Economy and finance",
                "GOVE": "Government and public sector", "REGI": "Regions and cities"}  # the EU data-theme labels
THEMES = per_code(  # our themes (geo.vocabulary) as EU data themes
    vocabulary.THEMES, "EU data themes", admin=("REGI", "GOVE"), addresses=("REGI",), ntm=("AGRI", "REGI"),
    growing_areas=("AGRI",), agriculture=("AGRI",), tourism=("ECON", "AGRI"), indicators=("AGRI", "REGI"))
LANGUAGES = ("VIE", "ENG")
CONTEXT = {"dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "owl": str(OWL), "adms": str(ADMS),
           "spdx": str(SPDX), "vcard": str(VCARD), "locn": str(LOCN), "gsp": str(GSP), "xsd": str(XSD),
           "skos": str(SKOS), "rdfs": str(RDFS)}
# What every dataset and file distribution carries (tests/opendata/test_catalog.py checks them all).
DATASET_PROPERTIES = (DCTERMS.title, DCTERMS.description, DCAT.keyword, DCAT.theme, DCTERMS.publisher,
                      DCAT.contactPoint, DCTERMS.license, DCTERMS.rights, DCTERMS.accessRights, DCTERMS.spatial,
                      DCTERMS.temporal, DCTERMS.accrualPeriodicity, DCTERMS.modified, OWL.versionInfo,
                      DCAT_VERSION, DCTERMS.identifier, DCAT.distribution, DCAT.landingPage)
DISTRIBUTION_PROPERTIES = (DCTERMS.title, DCAT.accessURL, DCAT.downloadURL, DCAT.mediaType, DCTERMS.format,
                           DCAT.byteSize, SPDX.checksum, DCTERMS.license, DCTERMS.modified)
API_DISTRIBUTION_PROPERTIES = (DCTERMS.title, DCAT.accessURL, DCAT.accessService, DCAT.mediaType,
                               DCTERMS.format, DCTERMS.license, DCTERMS.conformsTo)


def catalog_iri(base: str) -> str:
    return f"{base}/opendata/catalog"


def _both(g: Graph, node, prop, vi: str, en: str) -> None:
    g.add((node, prop, Literal(vi, lang="vi")))
    g.add((node, prop, Literal(en, lang="en")))


def _agent(g: Graph, settings: Settings) -> BNode:
    agent = BNode("publisher")
    g.add((agent, RDF.type, FOAF.Organization))
    g.add((agent, RDF.type, FOAF.Agent))
    _both(g, agent, FOAF.name, settings.opendata_publisher, settings.opendata_publisher_en)
    g.add((agent, FOAF.mbox, URIRef(f"mailto:{settings.opendata_contact_email}")))
    return agent


def _contact(g: Graph, settings: Settings) -> BNode:
    contact = BNode("contact")
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, VCARD.fn, Literal(settings.opendata_publisher_en)))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.opendata_contact_email}")))
    return contact


def _spatial(g: Graph, bbox) -> BNode:
    """DCAT's own `dcat:bbox` (ckanext-dcat reads it as `spatial_bbox`); no `locn:geometry`
    literal, which the DCAT-AP 3 shapes refuse (they want a locn:Geometry node)."""
    loc = BNode()
    g.add((loc, RDF.type, DCTERMS.Location))
    w, s, e, n = bbox
    wkt = f"POLYGON(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))"
    g.add((loc, DCAT.bbox, Literal(wkt, datatype=GSP.wktLiteral)))
    return loc


def _temporal(g: Graph, start: str, end: str) -> BNode:
    t = BNode()
    g.add((t, RDF.type, DCTERMS.PeriodOfTime))
    g.add((t, DCAT.startDate, Literal(start, datatype=XSD.date)))
    g.add((t, DCAT.endDate, Literal(end, datatype=XSD.date)))
    return t


def _resource(g: Graph, url: str) -> URIRef:
    """A URL as the DCAT-AP shapes want it (`sh:class rdfs:Resource`, which only RDFS inference
    would otherwise give), as ckanext-dcat's own serializer writes it."""
    node = URIRef(url)
    g.add((node, RDF.type, RDFS.Resource))
    return node


def _document(g: Graph, url: str) -> URIRef:
    node = URIRef(url)
    g.add((node, RDF.type, FOAF.Document))
    return node


class _Shared:
    """Nodes every dataset points at, made once per graph."""

    def __init__(self, g: Graph, settings: Settings, base: str) -> None:
        self.publisher, self.contact = _agent(g, settings), _contact(g, settings)
        self.license = terms.licence(g, settings.opendata_license, settings.opendata_license_title)
        self.rights = BNode("rights")
        g.add((self.rights, RDF.type, DCTERMS.RightsStatement))
        g.add((self.rights, RDFS.label, Literal(BOUNDARY_ATTRIBUTION)))
        self.access = terms.eu_term(g, "access-right", "PUBLIC", DCTERMS.RightsStatement)
        self.frequency = terms.eu_term(g, "frequency", settings.opendata_update_frequency, DCTERMS.Frequency)
        self.languages = [terms.eu_term(g, "language", c, DCTERMS.LinguisticSystem) for c in LANGUAGES]
        self.crs = terms.standard(g, URIRef(EPSG_4326))
        self.country = terms.eu_term(g, "country", "VNM", DCTERMS.Location)
        self.service = URIRef(f"{catalog_iri(base)}#ogc-api")


def catalog_graph(man: dict, base: str, settings: Settings) -> Graph:
    """`base`: the service's public root URL without a trailing slash."""
    g = Graph()
    for prefix, ns in CONTEXT.items():
        g.bind(prefix, ns)
    created = man["created"]
    cat = URIRef(catalog_iri(base))
    g.add((cat, RDF.type, DCAT.Catalog))
    _both(g, cat, DCTERMS.title, "Dữ liệu mở nông thôn mới", "New Rural Development open data")
    _both(g, cat, DCTERMS.description,
          "Dữ liệu mở về kết quả xây dựng nông thôn mới, vùng trồng, du lịch nông thôn và mã địa chỉ.",
          "Open data about New Rural Development results, growing areas, rural tourism and address codes.")
    shared = _Shared(g, settings, base)
    g.add((cat, DCTERMS.publisher, shared.publisher))
    g.add((cat, DCTERMS.license, shared.license))
    g.add((cat, DCTERMS.modified, Literal(created, datatype=XSD.dateTime)))
    g.add((cat, FOAF.homepage, _document(g, f"{base}/opendata")))
    themes = terms.concept(g, f"{EU}data-theme", SKOS.ConceptScheme)
    g.add((themes, DCTERMS.title, Literal("Data theme", lang="en")))
    g.add((cat, DCAT.themeTaxonomy, themes))
    for lang in shared.languages:
        g.add((cat, DCTERMS.language, lang))
    served = []
    for ds in man["datasets"].values():
        d = _dataset(g, ds, man, base, shared)
        g.add((cat, DCAT.dataset, d))
        if ds.get("layer_id"):
            served.append(d)
            _api_distribution(g, d, ds, base, shared)
        elif ds.get("raster"):
            served.append(d)
            _tiles_distribution(g, d, ds, base, shared)
    g.add((cat, DCAT.service, _service(g, base, settings, shared, served)))
    return g


def _dataset(g: Graph, ds: dict, man: dict, base: str, shared: _Shared) -> URIRef:
    version, created = man["version"], man["created"]
    d = URIRef(f"{base}/opendata/datasets/{ds['id']}")
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.identifier, Literal(ds["id"])))
    _both(g, d, DCTERMS.title, ds["title_vi"], ds["title_en"])
    _both(g, d, DCTERMS.description, ds["description_vi"], ds["description_en"])
    for kw in ds["keywords"]:
        g.add((d, DCAT.keyword, Literal(kw)))
    for theme in THEMES.get(ds["theme"], ("AGRI",)):
        node = terms.eu_term(g, "data-theme", theme, SKOS.Concept)
        g.add((node, SKOS.prefLabel, Literal(THEME_LABELS[theme], lang="en")))
        g.add((d, DCAT.theme, node))
    g.add((d, DCTERMS.publisher, shared.publisher))
    g.add((d, DCAT.contactPoint, shared.contact))
    g.add((d, DCTERMS.license, shared.license))
    g.add((d, DCTERMS.rights, shared.rights))
    g.add((d, DCTERMS.accessRights, shared.access))
    g.add((d, DCTERMS.conformsTo, _crs(g, ds, shared)))  # GeoDCAT-AP: the reference system
    g.add((d, DCTERMS.spatial, shared.country))
    g.add((d, DCTERMS.spatial, _spatial(g, ds["bbox"] or [-180, -90, 180, 90])))
    start, end = ds["temporal"] or (created[:10], created[:10])
    g.add((d, DCTERMS.temporal, _temporal(g, start, end)))
    g.add((d, DCTERMS.accrualPeriodicity, shared.frequency))
    g.add((d, DCTERMS.modified, Literal(ds["modified"], datatype=XSD.dateTime)))
    g.add((d, DCTERMS.issued, Literal(ds.get("issued", created), datatype=XSD.dateTime)))
    g.add((d, OWL.versionInfo, Literal(version)))
    g.add((d, DCAT_VERSION, Literal(version)))
    g.add((d, ADMS.versionNotes, Literal(f"{base}/opendata/releases/{version}/CHANGELOG.md")))
    g.add((d, DCAT.landingPage, _document(g, f"{base}/opendata/datasets/{ds['id']}")))
    for lang in shared.languages:
        g.add((d, DCTERMS.language, lang))
    for dist in ds["distributions"]:
        _distribution(g, d, ds, dist, base, version, shared)
    return d


def _distribution(g: Graph, d, ds: dict, dist: dict, base: str, version: str, shared: _Shared) -> None:
    url = f"{base}/opendata/releases/{version}/{dist['path']}"
    node = URIRef(f"{base}/opendata/datasets/{ds['id']}#{dist['format']}")
    g.add((d, DCAT.distribution, node))
    g.add((node, RDF.type, DCAT.Distribution))
    _both(g, node, DCTERMS.title, f"{ds['title_vi']} ({dist['title']})", f"{ds['title_en']} ({dist['title']})")
    g.add((node, DCAT.accessURL, _resource(g, f"{base}/opendata/datasets/{ds['id']}")))
    g.add((node, DCAT.downloadURL, _resource(g, url)))
    g.add((node, DCAT.mediaType, terms.media_type(g, dist["media_type"])))
    g.add((node, DCTERMS.format, terms.file_type(g, dist["file_type"])))
    g.add((node, DCAT.byteSize, Literal(dist["bytes"], datatype=XSD.nonNegativeInteger)))
    checksum = BNode()
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    g.add((checksum, SPDX.checksumValue, Literal(dist["sha256"], datatype=XSD.hexBinary)))
    g.add((node, SPDX.checksum, checksum))
    g.add((node, DCTERMS.license, shared.license))
    g.add((node, DCTERMS.rights, shared.rights))
    g.add((node, DCTERMS.modified, Literal(ds["modified"], datatype=XSD.dateTime)))
    g.add((node, DCTERMS.conformsTo, _crs(g, ds, shared)))


@dataclass(frozen=True)
class _Live:
    """A dataset served live by one of the OGC APIs: where, as what, by which standard."""

    fragment: str
    api: str
    path: str
    media: str
    file_type: str
    standard: URIRef


def _live_distribution(g: Graph, d, ds: dict, base: str, shared: _Shared, live: _Live) -> None:
    """The same rows, live: a vector layer's GeoJSON items (OGC API - Features) or a raster's
    coloured map tiles (OGC API - Tiles, PNG, WebMercatorQuad)."""
    node = URIRef(f"{base}/opendata/datasets/{ds['id']}#{live.fragment}")
    g.add((d, DCAT.distribution, node))
    g.add((node, RDF.type, DCAT.Distribution))
    _both(g, node, DCTERMS.title, f"{ds['title_vi']} ({live.api})", f"{ds['title_en']} ({live.api})")
    g.add((node, DCAT.accessURL, _resource(g, f"{base}{live.path}")))
    g.add((node, DCAT.accessService, shared.service))
    g.add((node, DCAT.mediaType, terms.media_type(g, live.media)))
    g.add((node, DCTERMS.format, terms.file_type(g, live.file_type)))
    g.add((node, DCTERMS.license, shared.license))
    g.add((node, DCTERMS.rights, shared.rights))
    g.add((node, DCTERMS.conformsTo, terms.standard(g, live.standard)))


def _api_distribution(g: Graph, d, ds: dict, base: str, shared: _Shared) -> None:
    _live_distribution(g, d, ds, base, shared, _Live("ogc-api", "OGC API - Features", f"/collections/{ds['layer_id']}",
                                                     "application/geo+json", "GEOJSON", terms.OGC_FEATURES))


def _tiles_distribution(g: Graph, d, ds: dict, base: str, shared: _Shared) -> None:
    _live_distribution(g, d, ds, base, shared, _Live("ogc-api-tiles", "OGC API - Tiles",
                                                     f"/collections/{ds['id']}/map/tiles", "image/png", "PNG",
                                                     terms.OGC_TILES))


def _crs(g: Graph, ds: dict, shared: _Shared) -> URIRef:
    """WGS 84 for the vector files; a raster's COG keeps its own grid's CRS (VN-2000 TM-3, UTM)."""
    iri = crs_iri(ds)
    return terms.standard(g, URIRef(iri)) if iri else shared.crs


def _service(g: Graph, base: str, settings: Settings, shared: _Shared, served: list) -> URIRef:
    svc = shared.service
    g.add((svc, RDF.type, DCAT.DataService))
    _both(g, svc, DCTERMS.title, "API OGC của bản đồ số nông thôn mới (đối tượng, tile)",
          "ntm-map OGC API (Features, Tiles)")
    _both(g, svc, DCTERMS.description,
          "Các lớp bản đồ công khai qua OGC API - Features (GeoJSON, CSV, lọc CQL2) và OGC API - Tiles "
          "(Mapbox Vector Tiles).",
          "The public map layers through OGC API - Features (GeoJSON, CSV, CQL2 filters) and OGC API - "
          "Tiles (Mapbox Vector Tiles).")
    g.add((svc, DCAT.endpointURL, _resource(g, f"{base}/")))
    g.add((svc, DCAT.endpointDescription, _resource(g, f"{base}/api")))
    g.add((svc, DCAT.landingPage, _document(g, f"{base}/")))
    for std in (terms.OGC_FEATURES, terms.OGC_TILES):
        g.add((svc, DCTERMS.conformsTo, terms.standard(g, std)))
    for d in served:
        g.add((svc, DCAT.servesDataset, d))
    g.add((svc, DCAT.keyword, Literal("OGC API")))
    g.add((svc, DCTERMS.publisher, shared.publisher))
    g.add((svc, DCAT.contactPoint, shared.contact))
    g.add((svc, DCTERMS.license, shared.license))
    g.add((svc, DCTERMS.accessRights, shared.access))
    return svc


FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "xml": "xml"}


def serialize(man: dict, base: str, settings: Settings, kind: str) -> str:
    """`kind`: turtle, jsonld or xml (RDF/XML, what older harvesters ask for)."""
    g = catalog_graph(man, base, settings)
    if kind == "jsonld":
        return g.serialize(format="json-ld", context=CONTEXT, indent=1)
    return g.serialize(format=FORMATS[kind])


def turtle(man: dict, base: str, settings: Settings) -> str:
    return serialize(man, base, settings, "turtle")


def jsonld(man: dict, base: str, settings: Settings) -> str:
    return serialize(man, base, settings, "jsonld")
