"""The words of a growing-area write's failure, in the language the request asks for.

api.errors.growing_error keeps the JSON shape (`rule`, `where`, `errors`, `report`); the texts
people read come from the catalogue (api/i18n/messages/staff.json, "staff.problem.*") with the
values of layers.write.growing.errors.explain, numbers in the language's convention and the other
area named by its code and status (never its internal id).
"""
from __future__ import annotations

from urllib.parse import parse_qs

from api.i18n import CATALOGUE, t
from api.i18n.refusal import render
from geo import formatting
from geo.crops import CROPS
from geo.said import Said
from geo.vocabulary import GROWING_STATUSES, words
from layers.write.growing.errors import AreaProblem, explain


def scope_language(scope) -> str | None:
    """The language the request asks for (lang=, then Accept-Language), None when it asks none:
    a program that asks nothing keeps the English texts it always had (with the ids it may parse)."""
    asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [""])[0]
    if asked in ("vi", "en"):
        return asked
    headers = dict(scope.get("headers") or [])
    accepted = headers.get(b"accept-language", b"").decode("latin-1").lower().strip()
    if not accepted or accepted.startswith("*"):
        return None
    return "en" if accepted.startswith("en") else "vi"


def problem_text(problem, lang: str) -> str:
    """A rule failure in the page's language, naming the other area by its code and status."""
    if isinstance(problem.message, Said):  # a rule that names its own catalogue entry (harvest lots)
        return render(problem.message, lang)
    key, values = explain(problem)
    for k in ("area", "max", "min", "m", "m2"):
        if k in values:
            values[k] = formatting.number(values[k], lang, 2 if k in ("area", "min") else 0)
    if "n" in values:
        values["n"] = formatting.number(values["n"], lang)
    if "other_status" in values:
        values["other_status"] = words(GROWING_STATUSES, values["other_status"], lang)
    if "crop" in values and values["crop"] in CROPS:
        crop = CROPS[values["crop"]]
        values["crop"] = crop.name_vi if lang == "vi" else crop.name_en
    if "field" in values:
        key_of = f"staff.field.{values['field']}"
        values["field"] = t(key_of, lang) if key_of in CATALOGUE.entries else values["field"]
    return t(key, lang, **values)


def localised_entry(entry: dict, lang: str) -> dict:
    errors = [{**e, "message": problem_text(AreaProblem(e["rule"], e["message"], e.get("where"), e.get("other") or {}),
                                            lang)}
              for e in entry.get("errors", [])]
    return {**entry, "errors": errors}
