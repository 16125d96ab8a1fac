"""Where a text on a page may come from: the page language's catalogue, or data.

The catalogue is api/i18n (every area, the page's language only; `{placeholders}` match
anything) plus the words of coded values (geo.vocabulary, tiles.map_vocabulary), in that
language only. Data is what the page shows from the database or from the JSON it loaded: the
strings of every JSON response of the page and of its JSON twin (`?f=json`), and the public
text columns of the demo (names, addresses, codes; `_vi`/`_en` columns in their language only).
Numbers, dates and codes (capitals and digits: VN-40-18040-0006, 7P28QXXX+XX) count as data.

Not data even when an API returned them: a coded value that has words (`domestic`, `rice`: the
page must show its words), an ISO date, a number with five or more decimals and a decimal with
the other language's separator (the formatter's job). File formats, standards and units
(`NEUTRAL`) are the same in both languages; signs without letters (☰, →) are in none. A text is split at separators (` · `, `: `, ` — `, `|`) when it is not one whole text.
"""
from __future__ import annotations

import html
import re
from types import ModuleType

import psycopg

import geo.vocabulary
import tiles.map_vocabulary
from api.i18n import CATALOGUE
from geo.formatting import MONTHS_EN

# table → text columns shown by pages; a column ending in _vi/_en is data only in that language
DATA_COLUMNS = {
    "admin_units": ("code", "name_vi", "name_en", "full_name_vi", "full_name_en"),
    "communes": ("code", "name_vi", "name_en", "full_name_vi", "full_name_en"),
    "provinces": ("code", "name_vi", "name_en", "full_name_vi", "full_name_en"),
    "villages": ("code", "name"),
    "agri_zones": ("name",),
    "cooperatives": ("code", "name", "address", "main_products", "phone"),
    "growing_areas": ("code", "name", "address", "variety"),
    "households": ("address_code", "plus_code"),
    "ntm_criteria": ("name_vi", "name_en", "description"),
    "ntm_criteria_sets": ("code", "name_vi", "name_en", "legal_basis"),
    "ntm_assessments": ("decision_ref",),
    "ocop_products": ("name", "producer", "description"),
    "tourism_places": ("name_vi", "name_en", "description_vi", "description_en", "address",
                       "opening_hours", "phone", "email", "website"),
    "tourism_routes": ("name_vi", "name_en", "description_vi", "description_en"),
    "tourism_events": ("name_vi", "name_en", "description_vi", "description_en", "address"),
}
OTHER = {"vi": "en", "en": "vi"}
SEPARATORS = re.compile(r"\s+[·•|—–]\s+|\s*[·•|()]\s*|:\s+|\s+/\s+|,\s+")
EDGES = " \t:·•|,;.()[]—–-*«»\"'“”…?!→←↑↓"
LETTER = re.compile(r"[^\W\d_]")
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
UNROUNDED = re.compile(r"\d[.,]\d{5,}")
NUMBERS = re.compile(r"[\d\s.,:/%+\-–−×°'\"²≥≤<>≈~]*\d[\d\s.,:/%+\-–−×°'\"²]*")
CODE = re.compile(r"(?=.*\d)[A-Z0-9][A-Z0-9+\-_./#]*")
# A decimal written the other language's way: 0.3 on a Vietnamese page, 0,3 on an English one
# (1.234 and 1,234 are thousands, 1.0.0 a version: left alone).
WRONG_DECIMAL = {"vi": re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.,])"),
                 "en": re.compile(r"(?<![\d.,])\d+,\d{1,2}(?![\d.,])")}
# Names that are the same in every language: file formats, standards, units.
NEUTRAL = {"GeoJSON", "JSON", "JSON-LD", "Turtle", "RDF/XML", "GeoPackage", "GPKG", "Shapefile", "CSV",
           "GeoParquet", "FlatGeobuf", "PMTiles", "NDJSON", "HTML", "PNG", "PDF", "QR", "DCAT", "DCAT-AP",
           "OGC", "API", "OpenAPI", "MapLibre", "OpenStreetMap", "MB", "kB", "GB", "MIT", "CC BY 4.0", "OCOP"}
EN_DATE = re.compile(r"\d{1,2} (%s) \d{4}" % "|".join(MONTHS_EN))


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _word_tables(module: ModuleType):
    for value in vars(module).values():
        if isinstance(value, dict) and value and all(
                isinstance(v, tuple) and len(v) == 2 and all(isinstance(s, str) for s in v) for v in value.values()):
            yield value


class Oracle:
    """Says whether a text may appear on a page in `lang`, given the data the page had."""

    def __init__(self, lang: str, data: set[str]):
        self.lang = lang
        i = 0 if lang == "vi" else 1
        self.words: set[str] = set()
        self.templates: list[re.Pattern] = []
        for pair in CATALOGUE.entries.values():
            self._add_word(pair[i])
        self.codes: set[str] = set()
        for module in (geo.vocabulary, tiles.map_vocabulary):
            for table in _word_tables(module):
                self.codes.update(table)
                for pair in table.values():
                    self._add_word(pair[i])
        self.units = {norm(CATALOGUE.entries[k][i]) for k in CATALOGUE.entries if k.startswith("common.unit.")}
        self.units |= {"MB", "kB", "GB", "m²", "km²"}
        self.data = {d for d in (norm(x) for x in data) if d and d not in self.codes - self.words
                     and not ISO_DATE.fullmatch(d) and not UNROUNDED.search(d)}

    def _add_word(self, text: str) -> None:
        text = norm(text)
        if "{" in text:
            parts = re.split(r"\{\w+\}", text)
            if not LETTER.search("".join(parts)):
                return  # "{name}" alone or "{n} · {m}": no words of the language to hold a text to
            self.templates.append(re.compile(".+".join(re.escape(norm(p)) for p in parts), re.S))
            for p in parts:  # a template's words may sit in a text node of their own
                if p.strip(EDGES):
                    self.words.add(p.strip(EDGES))
        self.words.add(text)
        self.words.add(text.strip(EDGES))

    def _atom(self, text: str, in_code: bool) -> bool:
        s = text.strip(EDGES)
        if not s:
            return True
        if s in NEUTRAL or s in self.words or text in self.words:
            return True  # the catalogue's own text ("CC BY 4.0" is a name, not a decimal)
        if ISO_DATE.search(s) or UNROUNDED.search(s):
            return False
        if s in self.data or text in self.data:
            return True
        if WRONG_DECIMAL[self.lang].search(s):
            return False
        if not LETTER.search(s):
            return True  # signs and icons (☰, ⎙), in no language
        units = "|".join(re.escape(u) for u in sorted(self.units, key=len, reverse=True))
        number = re.sub(rf"(?<=\d)\s*(?:{units})$", "", s)
        if NUMBERS.fullmatch(number) or CODE.fullmatch(s) or EN_DATE.fullmatch(s):
            return True
        if in_code and re.fullmatch(r"[A-Za-z_][\w.:\-]*", s):
            return True  # an identifier the page shows as one (<code>): a field or file name
        return any(t.fullmatch(text) or t.fullmatch(s) for t in self.templates)

    def accepts(self, text: str, in_code: bool = False) -> bool:
        text = norm(text)
        if self._atom(text, in_code):
            return True
        if ISO_DATE.search(text) or UNROUNDED.search(text):
            return False
        parts = [p for p in SEPARATORS.split(text) if p.strip(EDGES)]
        return len(parts) > 1 and all(self._atom(p, in_code) for p in parts)


def json_strings(value, lang: str, out: set[str]) -> set[str]:
    """Every string of a JSON value, but those under a key of the other language (`name_en`)."""
    if isinstance(value, str):
        out.add(value)
        if ", " in value:  # a label with its place ("Yen Thanh commune, Nghe An"): pages show the parts
            out.update(p for p in value.split(", ") if p.strip())
        if "<" in value:  # HTML in data (a source's attribution): its texts as shown
            out.update(html.unescape(p) for p in re.split(r"<[^>]*>", value) if p.strip())
    elif isinstance(value, list):
        for v in value:
            json_strings(v, lang, out)
    elif isinstance(value, dict):
        for k, v in value.items():
            key = str(k)
            if key.endswith(f"_{OTHER[lang]}") or key == OTHER[lang]:
                continue
            json_strings(v, lang, out)
    return out


def database_strings(db: str, lang: str) -> set[str]:
    out: set[str] = set()
    with psycopg.connect(db) as conn:
        for table, columns in DATA_COLUMNS.items():
            for column in columns:
                if column.endswith(f"_{OTHER[lang]}"):
                    continue
                out.update(r[0] for r in conn.execute(
                    f'SELECT DISTINCT "{column}"::text FROM "{table}" WHERE "{column}" IS NOT NULL'))
    return out
