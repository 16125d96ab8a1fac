"""Vocabulary terms the DCAT catalog points at, said so that harvesters and validators understand
them without fetching anything: licences CKAN knows, typed concepts, OGC API standards.

Why each piece exists:
- CKAN (ckanext-dcat) maps a distribution's `dct:license` to a licence id only when the IRI is one
  its licence register lists (`http://www.opendefinition.org/licenses/cc-by`, ...) or the licence's
  `dct:title` equals a register title. A Creative Commons URL is neither, so a harvest lost the
  licence of every dataset: known licences are published under the register's IRI, with the SPDX
  id, the EU licence authority term (`skos:exactMatch`, as DCAT-AP's licence mapping example does)
  and the legal code (`rdfs:seeAlso`).
- ckanext-dcat takes a resource's format label from `rdfs:label` only when the `dct:format` node
  is typed `dct:IMT` (its first `rdf:type`); otherwise the label is the IRI itself. So EU
  file-type terms carry `dct:IMT` first, then `dct:MediaTypeOrExtent` (what the DCAT-AP SHACL
  shapes ask), with their authority code as label. IANA media types carry their name as
  `rdfs:label`, so CKAN's mimetype is `text/csv`, not a URL.
- The DCAT-AP 3 shapes check classes (`sh:class dct:Frequency`, `skos:Concept`, ...): the EU
  vocabularies declare those types, but a validator without them loaded sees none, so the
  catalog states the type and the scheme of every term it uses (as ckanext-dcat's own
  serializer does).
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
ODC = "http://www.opendefinition.org/licenses/"
OGC_FEATURES = URIRef("http://www.opengis.net/spec/ogcapi-features-1/1.0")
OGC_TILES = URIRef("http://www.opengis.net/spec/ogcapi-tiles-1/1.0")
PUBLIC_ACCESS = URIRef(f"{EU}access-right/PUBLIC")
SPDX = Namespace("http://spdx.org/rdf/terms#")


@dataclass(frozen=True)
class Licence:
    pages: tuple[str, ...]  # the licence's own URLs; any of them in NTM_OPENDATA_LICENSE selects it
    spdx: str
    eu: str  # EU licence authority code
    ckan: str  # the IRI CKAN's default licence register lists it under


LICENCES = (
    Licence(("creativecommons.org/licenses/by/4.0",), "CC-BY-4.0", "CC_BY_4_0", f"{ODC}cc-by"),
    Licence(("creativecommons.org/licenses/by-sa/4.0",), "CC-BY-SA-4.0", "CC_BYSA_4_0", f"{ODC}cc-by-sa"),
    Licence(("creativecommons.org/publicdomain/zero/1.0",), "CC0-1.0", "CC0", f"{ODC}cc-zero"),
)


def _bare(url: str) -> str:
    return url.split("://", 1)[-1].removeprefix("www.").rstrip("/").removesuffix("/legalcode")


def known_licence(url: str) -> Licence | None:
    bare = _bare(url)
    return next((lic for lic in LICENCES if bare in lic.pages or url == lic.ckan), None)


def licence(g: Graph, url: str, title: str) -> URIRef:
    """The licence document every dataset and distribution points at."""
    known = known_licence(url)
    node = URIRef(known.ckan if known else url)
    g.add((node, RDF.type, DCTERMS.LicenseDocument))
    g.add((node, DCTERMS.title, Literal(title)))
    if known:
        g.add((node, DCTERMS.identifier, Literal(known.spdx)))
        g.add((node, SKOS.exactMatch, URIRef(f"{EU}licence/{known.eu}")))
        if url != known.ckan:
            g.add((node, RDFS.seeAlso, URIRef(url)))
    return node


def concept(g: Graph, iri: str, cls: URIRef | None, scheme: str | None = None) -> URIRef:
    node = URIRef(iri)
    if cls is not None:
        g.add((node, RDF.type, cls))
    if scheme:
        g.add((node, SKOS.inScheme, URIRef(scheme)))
    return node


def eu_term(g: Graph, authority: str, code: str, cls: URIRef | None) -> URIRef:
    """An EU Publications Office authority term (frequency, language, data-theme, ...)."""
    return concept(g, f"{EU}{authority}/{code}", cls, f"{EU}{authority}")


def file_type(g: Graph, code: str) -> URIRef:
    node = URIRef(f"{EU}file-type/{code}")
    g.add((node, RDF.type, DCTERMS.IMT))  # first: ckanext-dcat reads the label only then
    g.add((node, RDF.type, DCTERMS.MediaTypeOrExtent))
    g.add((node, RDFS.label, Literal(code)))
    g.add((node, SKOS.inScheme, URIRef(f"{EU}file-type")))
    return node


def media_type(g: Graph, name: str) -> URIRef:
    node = URIRef(IANA + name)
    g.add((node, RDF.type, DCTERMS.MediaType))
    g.add((node, RDFS.label, Literal(name)))
    return node


def standard(g: Graph, iri: URIRef) -> URIRef:
    g.add((iri, RDF.type, DCTERMS.Standard))
    return iri
