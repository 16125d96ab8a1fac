"""What the lot resolver answers machines: the links a lot offers (its GS1 linkset) and the lot
as JSON-LD (schema.org with GS1 Web Vocabulary terms where they fit).

Links of a lot (GS1-Conformant Resolver: every link has a target, a type and a title):
- gs1:pip, the trace page: the lot's own URI (the default link; the page speaks the reader's
  language) and the same page in Vietnamese and in English (hreflang vi, en);
- gs1:traceability, the lot as JSON-LD (`?f=jsonld`);
- gs1:certificationInfo when the lot is certified, gs1:recallStatus when it was recalled: the
  page's section about it.

JSON-LD: the lot is a schema.org `SomeProducts` (what schema.org asks of a Digital Link carrying a
lot number) and a `gs1:Product` with its `gs1:gtin` and `gs1:hasBatchLotNumber`; the OCOP rating
and the lot's certificate are schema.org `Certification`s; the cooperative is the manufacturer
(an organisation: name, commune, address, its public phone). What schema.org and GS1 have no
term for (the growing areas and their status then and now, the recall) is under `ntm:`, a
namespace of this service. No person's name or phone is in it: the source rows have none.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from api.i18n import t
from geo import gs1, vocabulary

LINKSET_KINDS = ("all", "linkset")  # linkType values asking for the linkset (GS1 DL 1.1; resolver 1.x)
JSONLD = "application/ld+json"
UNIT_CODES = {"kg": "KGM", "tonne": "TNE", "box": "XBX", "bag": "XBG", "piece": "H87"}  # UN/CEFACT rec. 20/21


def with_query(url: str, **params) -> str:
    """`url` with `params` added to (or replacing) its query string; a fragment stays last."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: v for k, v in params.items() if v is not None})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def links(uri: str, data: dict, lang: str) -> list[gs1.Link]:
    lot = data["lot"]
    product = lot["product_name"]
    out = [
        gs1.Link("gs1:pip", uri, t("trace.link.page", lang, product=product), "text/html", default=True),
        gs1.Link("gs1:pip", with_query(uri, lang="vi"), t("trace.link.page_vi", lang, product=product), "text/html", ("vi",)),
        gs1.Link("gs1:pip", with_query(uri, lang="en"), t("trace.link.page_en", lang, product=product), "text/html", ("en",)),
        gs1.Link("gs1:traceability", with_query(uri, f="jsonld"), t("trace.link.jsonld", lang), JSONLD),
    ]
    if lot["certification"] != "none":
        out.append(gs1.Link("gs1:certificationInfo", uri + "#certification",
                            t("trace.link.certification", lang, certification=lot["certification"]), "text/html"))
    if lot["status"] == "recalled":
        out.append(gs1.Link("gs1:recallStatus", uri + "#recall", t("trace.link.recall", lang), "text/html"))
    return out


def chosen(found: list[gs1.Link], link_type: str, lang: str | None) -> gs1.Link | None:
    """The link a `?linkType=` redirect goes to: of that type, in the language asked when there is
    one of it (else the type's first link); None when the lot has no link of that type (or the
    type is not one: both are a 404 for GS1 resolvers)."""
    try:
        wanted = gs1.link_type_uri(link_type)
    except gs1.GS1Problem:
        return None
    of_type = [link for link in found if gs1.link_type_uri(link.link_type) == wanted]
    if lang is not None:
        for link in of_type:
            if lang in link.languages:
                return link
    return of_type[0] if of_type else None


def context(base: str) -> dict:
    return {"@vocab": "https://schema.org/", "gs1": gs1.GS1_VOC, "ntm": f"{base}/ns/trace#",
            "xsd": "http://www.w3.org/2001/XMLSchema#"}


def _date(value) -> str | None:
    return value.isoformat() if value is not None else None


def _area(a: dict, base: str, lang: str) -> dict:
    crop = a["crop"]
    return {
        "@type": "Place", "@id": f"{base}/collections/growing_areas/items/{a['id']}",
        "identifier": a["code"],
        "ntm:crop": crop, "ntm:cropName": vocabulary.words(vocabulary.CROP_NAMES, crop, lang)
        if crop in vocabulary.CROP_NAMES else crop,
        "containedInPlace": {"@type": "AdministrativeArea", "identifier": a["commune_code"],
                             "name": a["commune_vi"] if lang == "vi" else a["commune_en"]},
        "ntm:areaHectares": round(float(a["area_ha"]), 4),
        "ntm:statusAtHarvest": a["status_at_harvest"], "ntm:statusToday": a["status_now"],
        "ntm:validFrom": _date(a["valid_from"]), "ntm:validTo": _date(a["valid_to"]),
        "geo": {"@type": "GeoCoordinates", "longitude": round(a["label_lon"], 6), "latitude": round(a["label_lat"], 6)},
    }


def jsonld(data: dict, uri: str, base: str, lang: str) -> dict:
    """The lot for machines: public facts only, codes as they are stored, names in `lang`."""
    lot = data["lot"]
    doc: dict = {
        "@context": context(base), "@id": uri, "@type": ["SomeProducts", "gs1:Product"], "url": uri,
        "name": lot["product_name"], "category": lot["category"], "inLanguage": lang,
        "gs1:hasBatchLotNumber": lot["lot_code"], "productionDate": _date(lot["harvest_date"]),
        "countryOfOrigin": {"@type": "Country", "name": "VN"},
        "hasCertification": [{"@type": "Certification", "name": "OCOP",
                              "certificationRating": {"@type": "Rating", "ratingValue": lot["stars"],
                                                      "worstRating": 3, "bestRating": 5}}],
        "manufacturer": {
            "@type": "Organization", "name": lot["cooperative_name"],
            "address": {"@type": "PostalAddress", "streetAddress": lot["cooperative_address"],
                        "addressLocality": lot["commune_vi"] if lang == "vi" else lot["commune_en"],
                        "addressCountry": "VN"},
        },
        "ntm:lotStatus": lot["status"],
        "ntm:growingArea": [_area(a, base, lang) for a in data["areas"]],
    }
    if lot["gtin"]:
        doc.update({"gtin": lot["gtin"], "gs1:gtin": lot["gtin"], "hasGS1DigitalLink": uri})
    if lot["cooperative_phone"]:
        doc["manufacturer"]["telephone"] = lot["cooperative_phone"]
    if lot["photo_sha256"]:  # the product's photo: the full one, its thumbnail, its alt text
        doc["image"] = {"@type": "ImageObject", "contentUrl": f"{base}/media/{lot['photo_sha256']}.webp",
                        "thumbnailUrl": f"{base}/media/{lot['photo_sha256']}-400.webp",
                        "encodingFormat": "image/webp", "caption": lot["photo_alt"]}
    if lot["quantity"] is not None:
        doc["ntm:quantity"] = {"@type": "QuantitativeValue", "value": float(lot["quantity"]),
                               "unitCode": UNIT_CODES.get(lot["unit"]), "unitText": lot["unit"]}
    if lot["certification"] != "none":
        doc["hasCertification"].append({"@type": "Certification", "name": lot["certification"],
                                        "validFrom": _date(lot["certification_valid_from"]),
                                        "expires": _date(lot["certification_valid_to"])})
    if lot["status"] == "recalled":
        doc.update({"ntm:recallReason": lot["recall_reason"],
                    "ntm:recalledAt": lot["recalled_at"].isoformat() if lot["recalled_at"] else None})
    return doc
