"""The trace page a buyer sees after scanning a label (template trace.html): words, dates and
numbers in the reader's language, and the growing areas on a map drawn here as inline SVG
(geo.svg_map), so the page is one small response with nothing else to fetch.

Statuses are words from geo.vocabulary, coloured as on the web map (tiles.map_layers); an area
whose code is not granted today is hatched too. Every name from the database reaches the page
through Jinja's autoescaping or, inside the SVG, geo.svg_map's own escaping.
"""
from __future__ import annotations

from markupsafe import Markup

from api.i18n import t
from geo import formatting, svg_map, vocabulary
from tiles.map_layers import STATUS_COLORS

TEMPLATE = "trace.html"
MISSING_TEMPLATE = "trace_missing.html"


def words(table: dict, code: str, lang: str) -> str:
    return vocabulary.words(table, code, lang) if code in table else code


def status_words(code: str, lang: str) -> str:
    return words(vocabulary.GROWING_STATUSES, code, lang)


def map_svg(data: dict, lang: str) -> Markup | None:
    shapes = data["map"]
    if shapes is None:
        return None
    lot, found = data["lot"], data["areas"]
    areas = [svg_map.Area(code=a["code"], status=a["status_now"], geometry=shapes["shapes"].get(a["id"]),
                          label=(a["label_lon"], a["label_lat"]), granted=a["status_now"] == "granted")
             for a in found]
    listed = "; ".join(f"{a['code']}: {status_words(a['status_now'], lang)}" for a in found)
    style = svg_map.Style(colours=STATUS_COLORS, title=t("trace.map.title", lang, lot=lot["lot_code"]),
                          description=t("trace.map.desc", lang, n=len(found), areas=listed))
    return Markup(svg_map.svg(shapes["frame"], areas, shapes["boundaries"], style))


def legend(data: dict, lang: str) -> list[dict]:
    """The statuses the map shows, in the vocabulary's order, with their colour and words."""
    present = {a["status_now"] for a in data["areas"]}
    return [{"colour": STATUS_COLORS.get(code, "#757575"), "words": status_words(code, lang),
             "hatched": code != "granted"} for code in vocabulary.GROWING_STATUSES if code in present]


def _area(a: dict, lang: str) -> dict:
    return {"code": a["code"], "crop": words(vocabulary.CROP_NAMES, a["crop"], lang),
            "commune": a["commune_vi"] if lang == "vi" else a["commune_en"],
            "size": formatting.area_ha(a["area_ha"], lang),
            "then": status_words(a["status_at_harvest"], lang), "now": status_words(a["status_now"], lang),
            "then_code": a["status_at_harvest"], "now_code": a["status_now"],
            "colour": STATUS_COLORS.get(a["status_now"], "#757575"),
            "valid_to": formatting.day(a["valid_to"], lang)}


def context(data: dict, uri: str, lang: str, links: dict, photo: dict | None = None) -> dict:
    """What trace.html shows, already in `lang`; `photo` the product's (layers.read.product_photos)."""
    lot = data["lot"]
    quantity = None
    if lot["quantity"] is not None:
        quantity = f"{formatting.number(lot['quantity'], lang, 3)} {words(vocabulary.LOT_UNITS, lot['unit'], lang)}"
    certification = None
    if lot["certification"] != "none":
        certification = t("trace.certification.valid", lang,
                          certification=words(vocabulary.CERTIFICATIONS, lot["certification"], lang),
                          start=formatting.day(lot["certification_valid_from"], lang),
                          end=formatting.day(lot["certification_valid_to"], lang))
    return {
        "lang": lang, "uri": uri, "links": links,
        "product": lot["product_name"], "category": lot["category"], "stars": lot["stars"],
        "gtin": lot["gtin"], "lot_code": lot["lot_code"], "photo": photo,
        "harvest": formatting.day(lot["harvest_date"], lang), "quantity": quantity,
        "certification": certification,
        "recalled": lot["status"] == "recalled", "recall_reason": lot["recall_reason"],
        "recalled_on": formatting.day(lot["recalled_at"], lang),
        "lot_status": words(vocabulary.LOT_STATUSES, lot["status"], lang),
        "cooperative": {"name": lot["cooperative_name"], "address": lot["cooperative_address"],
                        "phone": lot["cooperative_phone"],
                        "commune": lot["commune_vi"] if lang == "vi" else lot["commune_en"]},
        "areas": [_area(a, lang) for a in data["areas"]],
        "warnings": [_area(a, lang) for a in data["warnings"]],
        "map": map_svg(data, lang), "legend": legend(data, lang),
    }
