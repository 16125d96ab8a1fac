"""What search engines and link previews read on a tourism listing's page: schema.org JSON-LD
and Open Graph tags, built from the published listing (layers.read.tourism_pages).

Types: a homestay is a `LodgingBusiness`, any other place a `TouristAttraction`, a route a
`TouristTrip` whose `itinerary` lists its stops (each a `TouristAttraction` with its `geo`), an
event an `Event` at its place. Texts are the page's language, the other one when it is missing.
The JSON goes into a <script> element: `script_json` escapes `<`, `>` and `&` as \\u escapes, so a
name holding `</script>` cannot end the element (the JSON still parses back to the same text).
"""
from __future__ import annotations

import json

from markupsafe import Markup

from geo.vocabulary import EVENT_KINDS, PLACE_KINDS

LOCALES = {"vi": "vi_VN", "en": "en_US"}


def localized(item: dict, field: str, lang: str) -> str | None:
    """`name_vi` on a Vietnamese page, else `name_en`; the other way round on an English page."""
    other = "en" if lang == "vi" else "vi"
    for key in (f"{field}_{lang}", f"{field}_{other}"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def kind_words(kind: str | None, lang: str, words: dict = PLACE_KINDS) -> str | None:
    pair = words.get(kind) if kind else None
    return pair[0 if lang == "vi" else 1] if pair else None


def _geo(item: dict) -> dict:
    return {"@type": "GeoCoordinates", "latitude": round(item["lat"], 6), "longitude": round(item["lon"], 6)}


def _images(base: str, item: dict) -> list[str]:
    return [base + p["urls"]["card"] for p in item.get("photo_list", [])]


def _clean(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if v not in (None, "", [], {})}


def place(base: str, url: str, item: dict, lang: str, commune: str | None) -> dict:
    kind = item.get("kind")
    links = [item.get(k) for k in ("website", "facebook", "zalo") if isinstance(item.get(k), str) and item.get(k)]
    amenities = [{"@type": "LocationFeatureSpecification", "name": name, "value": True}
                 for key, name in (("wifi", "Free Wi-Fi"), ("parking", "Parking"), ("accessible", "Wheelchair accessible"))
                 if item.get(key) is True]
    return _clean({
        "@context": "https://schema.org", "@type": "LodgingBusiness" if kind == "homestay" else "TouristAttraction",
        "@id": url, "url": url, "name": localized(item, "name", lang), "description": localized(item, "description", lang),
        "inLanguage": lang, "image": _images(base, item), "geo": _geo(item),
        "address": _clean({"@type": "PostalAddress", "streetAddress": item.get("address"),
                           "addressLocality": commune, "addressCountry": "VN"}),
        "telephone": item.get("phone"), "email": item.get("email"), "sameAs": links,
        "amenityFeature": amenities, "touristType": kind_words(kind, "en"),
    })


def route(base: str, url: str, item: dict, lang: str, place_url) -> dict:
    stops = [_clean({"@type": "TouristAttraction", "@id": place_url(s["id"]), "url": place_url(s["id"]),
                     "name": localized(s, "name", lang), "geo": _geo(s)}) for s in item.get("stops", [])]
    days = item.get("duration_days")
    return _clean({
        "@context": "https://schema.org", "@type": "TouristTrip", "@id": url, "url": url,
        "name": localized(item, "name", lang), "description": localized(item, "description", lang), "inLanguage": lang,
        "image": _images(base, item),
        "itinerary": {"@type": "ItemList", "numberOfItems": len(stops),
                      "itemListElement": [{"@type": "ListItem", "position": i + 1, "item": s} for i, s in enumerate(stops)]}
        if stops else None,
        "duration": f"P{int(days)}D" if isinstance(days, (int, float)) and days >= 1 and float(days).is_integer() else None,
    })


def event(base: str, url: str, item: dict, lang: str, commune: str | None) -> dict:
    return _clean({
        "@context": "https://schema.org", "@type": "Event", "@id": url, "url": url,
        "name": localized(item, "name", lang), "description": localized(item, "description", lang), "inLanguage": lang,
        "startDate": str(item["starts_on"]) if item.get("starts_on") else None,
        "endDate": str(item["ends_on"]) if item.get("ends_on") else None,
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "keywords": kind_words(item.get("kind"), lang, EVENT_KINDS),
        "eventStatus": "https://schema.org/EventScheduled",
        "location": _clean({"@type": "Place", "name": item.get("address") or commune, "geo": _geo(item),
                            "address": _clean({"@type": "PostalAddress", "streetAddress": item.get("address"),
                                               "addressLocality": commune, "addressCountry": "VN"})}),
        "image": _images(base, item),
    })


def script_json(doc: dict) -> Markup:
    """The document for a <script type="application/ld+json"> element, safe inside HTML."""
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return Markup(raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def open_graph(url: str, title: str, description: str | None, image: dict | None, lang: str,
               kind: str = "website") -> list[tuple[str, str]]:
    """(property, content) pairs; Jinja escapes the values where they are written."""
    tags = [("og:type", kind), ("og:title", title), ("og:url", url), ("og:locale", LOCALES[lang]),
            ("og:site_name", "ntm-map")]
    if description:
        tags.append(("og:description", description[:300]))
    if image:
        tags += [("og:image", image["url"]), ("og:image:type", "image/webp"), ("og:image:alt", image["alt"])]
        if image.get("width"):
            tags += [("og:image:width", str(image["width"])), ("og:image:height", str(image["height"]))]
    return tags
