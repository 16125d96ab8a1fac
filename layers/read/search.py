"""One search box over names and codes: communes, villages, places, OCOP products, cooperatives,
growing areas, addresses and Plus Codes.

What a person types decides the lookup (`classify`): a household address code is an exact
index hit, a growing-area code or a partial address code a prefix scan, anything else a name
compared without diacritics (`ntm_fold`, migration 0002), so "do luong" finds "Đô Lương".

Every branch starts from `layers.read.relations`, so only public layers, public columns and public
rows (e.g. granted growing areas, never drafts) can be returned; nothing reads `private`.
Ranking of names: exact folded match, then prefix of the name, then prefix of a word, then
substring, then trigram similarity (typos; only looked for when the substrings are too few);
within a tier closer names first (similarity), then communes before villages, places, areas.
A query of several words is also read as a village followed (or preceded) by its commune
("xom 5 dien chau", `search_places`), and a Plus Code finds the households in its cell
(`search_plus_code`). Every hit carries its commune and province, so two communes of the same
name in two provinces are told apart (districts were abolished in 2025).
"""
from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from geo import address_code
from geo.growing_area_code import DEFAULT_SCHEME
from geo.said import Said, said_of
from layers.read import search_labels as labels, search_places, search_plus_code as plus_codes
from layers.read.search_rows import COLUMNS, KINDS, in_commune, ranked as _ranked, row as _row
from layers.read.registry import BY_ID
from layers.read.relations import public_where, relation

MIN_LENGTH, MAX_LENGTH = 2, 200
MATCH_TYPES = ("exact", "prefix", "word", "substring", "similar")


class SearchError(ValueError):
    """The query cannot be searched; the message says what to change."""


@dataclass(frozen=True)
class Query:
    type: str  # "address", "address_prefix", "growing_area_code", "plus_code" or "name"
    text: str  # canonical code, address-code prefix, growing-area code key, Plus Code, or the name


_CODE_LIKE = re.compile(r"[0-9A-Za-z\s\-\u2010-\u2014_./]+")
_ADDRESS_FULL = re.compile(r"[0-9A-Z]{4}[-\s]?[0-9A-Z]{4}[-\s]?[0-9A-Z]")
_ADDRESS_PART = re.compile(r"[0-9A-Z]{4}(?:[-\s]?[0-9A-Z]{1,4})?-?")
_GA_LEAD = next(string.Formatter().parse(DEFAULT_SCHEME.template))[0]


def code_key(text: str) -> str:
    """Python twin of SQL `ntm_code_key`: upper case, letters and digits only."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def clean(q: str) -> str:
    """NFC and single spaces, so length limits count what a person sees."""
    return " ".join(unicodedata.normalize("NFC", q).split())


def classify(q: str) -> Query:
    text = clean(q)
    if len(text) < MIN_LENGTH:
        raise SearchError(Said(f"q must have at least {MIN_LENGTH} characters, got {len(text)}", "errors.api.search.short",
                               min=MIN_LENGTH, n=len(text)))
    if len(text) > MAX_LENGTH:
        raise SearchError(Said(f"q must have at most {MAX_LENGTH} characters, got {len(text)}", "errors.api.search.long",
                               max=MAX_LENGTH, n=len(text)))
    plus = plus_codes.read(text)
    if plus:
        return Query("plus_code", plus)
    if not (_CODE_LIKE.fullmatch(text) and any(ch.isdigit() for ch in text)):
        return Query("name", text)
    key, upper = code_key(text), text.upper()
    lead = code_key(_GA_LEAD)
    # Checked first: "VN-40-17479" is also nine address-code characters.
    if (lead and key.startswith(lead) and key[len(lead):len(lead) + 1].isdigit()) or _is_growing_area_code(upper):
        return Query("growing_area_code", key)
    if address_code.is_valid(text):
        return Query("address", address_code.normalize(text))
    if _ADDRESS_FULL.fullmatch(upper):
        try:
            address_code.normalize(text)
        except ValueError as exc:  # say which character is wrong rather than find another house
            raise SearchError(said_of(exc)) from None
    if _ADDRESS_PART.fullmatch(upper) and set(key) <= set(address_code.ALPHABET) \
            and address_code.decode(key[:4]) < address_code.N_CELLS:
        return Query("address_prefix", key[:4] + (f"-{key[4:]}" if len(key) > 4 else ""))
    return Query("name", text)


def _is_growing_area_code(text: str) -> bool:
    try:
        DEFAULT_SCHEME.parse(text)
    except ValueError:
        return False
    return True


def _upper_bound(prefix: str) -> str:
    """Smallest string above every string starting with `prefix` (in "C" order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# --- SQL (the columns every branch yields: search_rows) ---------------------------------------

@dataclass(frozen=True)
class _Patterns:
    folded: str
    fuzzy: bool = False  # also trigram-similar names (typos), ranked below every substring hit

    @property
    def like(self) -> str:
        return self.folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

    @property
    def word(self) -> str:  # PostgreSQL ARE: \m is the start of a word
        return r"\m" + re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", self.folded)

    def where(self, f: sa.ColumnElement) -> sa.ColumnElement:
        """Conditions a trigram index answers: two letters make no trigram inside a word, so a
        short query only matches at the start of a word."""
        if len(self.folded) < 3:
            return sa.or_(f.like(f"{self.like}%"), f.like(f"% {self.like}%"))
        if self.fuzzy:  # similarity to whole words of the name: "yen thamh" finds "Yên Thành"
            return sa.or_(f.like(f"%{self.like}%"), sa.literal(self.folded).op("<<%")(f))
        return f.like(f"%{self.like}%")

    def tier(self, f: sa.ColumnElement) -> sa.ColumnElement:
        return sa.case((f == self.folded, 0), (f.like(f"{self.like}%"), 1), (f.op("~")(self.word), 2),
                       (f.like(f"%{self.like}%"), 3), else_=4)


# The name columns searched per kind; a feature found through two of them is kept once.
NAME_FIELDS = {"commune": ("name_vi", "full_name_vi"), "village": ("name",),
               "tourism_place": ("name_vi", "name_en"), "ocop_product": ("name",),
               "cooperative": ("name",), "growing_area": ("name",)}


def _in_code_order(select: sa.Select, key: sa.ColumnElement, limit: int) -> sa.Select:
    """Codes in index order, so the scan stops after `limit` rows; an exact code sorts first."""
    return select.order_by(key).limit(limit)


def _names(kind: str, field: str, p: _Patterns, limit: int) -> sa.Select:
    """One name column of one kind: a trigram index finds candidates, the tier ranks them."""
    layer = BY_ID[KINDS[kind]]
    rel = relation(layer)
    f = sa.func.ntm_fold(rel.c[field], type_=sa.Text)
    if kind == "commune":
        source, extra = in_commune(rel, rel, commune=rel)
        extra["name_en"] = rel.c.name_en
    else:
        source, extra = in_commune(rel, rel)
        if kind == "tourism_place":
            extra["name_en"] = rel.c.name_en
        if kind == "growing_area":
            extra["code"] = rel.c.code
    name = rel.c[NAME_FIELDS[kind][0]]
    if kind == "tourism_place":  # either name may be missing (issue 14)
        name = sa.func.coalesce(rel.c.name_vi, rel.c.name_en)
    cols = _row(kind, feature_id=rel.c[layer.id_column], name=name,
                match=rel.c[field], tier=p.tier(f), ws=sa.func.strict_word_similarity(p.folded, f),
                sim=sa.func.similarity(p.folded, f), geom=rel.c.geom, **extra)
    return _ranked(sa.select(*cols).select_from(source).where(*public_where(layer, rel), p.where(f)), cols, limit)


def _address(query: Query, limit: int) -> sa.Select:
    layer = BY_ID["households"]
    h, v = relation(layer), relation(BY_ID["villages"])
    code = h.c.address_code
    key = sa.collate(code, "C")
    if query.type == "address":
        where, tier = [code == query.text], sa.literal(0)
    else:  # a range on the "C"-collated index; a generic plan keeps using it
        where = [key >= query.text, key < _upper_bound(query.text)]
        tier = sa.case((code == query.text, 0), else_=1)
    source, extra = in_commune(h.outerjoin(v, v.c.id == h.c.village_id), h)
    cols = _row("address", feature_id=h.c.id, name=code, code=code, village=v.c.name,
                match=code, tier=tier, geom=h.c.geom, **extra)
    return _in_code_order(sa.select(*cols).select_from(source).where(*public_where(layer, h), *where), key, limit)


def _growing_area_code(query: Query, limit: int) -> sa.Select:
    layer = BY_ID["growing_areas"]
    g = relation(layer)
    key = sa.collate(sa.func.ntm_code_key(g.c.code, type_=sa.Text), "C")
    tier = sa.case((sa.func.ntm_code_key(g.c.code) == query.text, 0), else_=1)
    source, extra = in_commune(g, g)
    cols = _row("growing_area", feature_id=g.c.id, name=g.c.name, code=g.c.code, match=g.c.code,
                tier=tier, geom=g.c.geom, **extra)
    where = [*public_where(layer, g), key >= query.text, key < _upper_bound(query.text)]
    return _in_code_order(sa.select(*cols).select_from(source).where(*where), key, limit)


def statement(branches: list[sa.Select], limit: int) -> sa.Select:
    """Rank the union of the branches; GeoJSON and bbox are built only for the rows kept."""
    u = (sa.union_all(*branches) if len(branches) > 1 else branches[0]).subquery("hits")
    # A feature matched through two names keeps its better match.
    nth = sa.func.row_number().over(partition_by=(u.c.kind, u.c.feature_id),
                                    order_by=(u.c.tier, u.c.ws.desc(), u.c.sim.desc()))
    ranked = sa.select(u, nth.label("nth")).subquery("ranked")
    best = sa.select(ranked).where(ranked.c.nth == 1).subquery("best")
    order = sa.case(*((best.c.kind == k, i) for i, k in enumerate(KINDS)))
    geom = best.c.geom
    return (
        sa.select(*(best.c[c] for c in COLUMNS if c != "geom"),
                  sa.func.ST_AsGeoJSON(geom, 6).label("geometry"),
                  sa.func.ST_XMin(geom).label("xmin"), sa.func.ST_YMin(geom).label("ymin"),
                  sa.func.ST_XMax(geom).label("xmax"), sa.func.ST_YMax(geom).label("ymax"))
        .order_by(best.c.tier, best.c.ws.desc(), best.c.sim.desc(), order, best.c.match, best.c.name,
                  best.c.feature_id)
        .limit(limit)
    )


def code_plan(query: Query, kinds: set[str], limit: int) -> list[sa.Select]:
    """The lookup of a code query, if its kind is asked for."""
    if query.type == "growing_area_code":
        return [_growing_area_code(query, limit)] if "growing_area" in kinds else []
    if query.type == "plus_code":
        return [plus_codes.households(query.text, limit)] if "address" in kinds else []
    return [_address(query, limit)] if "address" in kinds else []


def name_plan(folded: str, kinds: set[str], limit: int, fuzzy: bool = False) -> list[sa.Select]:
    p = _Patterns(folded, fuzzy)
    names = [_names(k, field, p, limit) for k, fields in NAME_FIELDS.items() if k in kinds for field in fields]
    places = search_places.plan(folded, limit) if "village" in kinds else []
    return names + places


async def _run(conn: AsyncConnection, branches: list[sa.Select], limit: int) -> list:
    if not branches:
        return []
    return (await conn.execute(statement(branches, limit))).all()


async def fold(conn: AsyncConnection, text: str) -> str:
    """The query folded by the same function as the indexed names (unaccent's rules, not ours)."""
    return (await conn.execute(sa.select(sa.func.ntm_fold(text, type_=sa.Text)))).scalar_one()


async def search(conn: AsyncConnection, q: str, *, limit: int, lang: str,
                 kinds: set[str] | None = None) -> tuple[Query, list[dict]]:
    """(how q was read, hits best first). Raises SearchError for a query that cannot be run."""
    unknown = set(kinds or ()) - set(KINDS)
    if unknown:
        raise SearchError(Said(f"unknown kind {', '.join(sorted(unknown))}; use {', '.join(KINDS)}", "errors.api.search.kind",
                               names=", ".join(sorted(unknown)), kinds=", ".join(KINDS)))
    kinds = set(kinds or KINDS)
    query = classify(q)
    if query.type == "plus_code" and not plus_codes.is_full(query.text):
        ref = await plus_codes.reference(conn, plus_codes.locality(clean(q)))
        query = Query("plus_code", plus_codes.recover(query.text, ref))
    rows = [] if query.type == "name" else await _run(conn, code_plan(query, kinds, limit), limit)
    if query.type == "plus_code":
        return query, [hit(row, lang) for row in rows] or [plus_codes.location_hit(query.text)]
    if not rows:  # a name that only looks like a code ("ban12") is still found
        folded = await fold(conn, clean(q))
        rows = await _run(conn, name_plan(folded, kinds, limit), limit)
        if len(rows) < limit and len(folded) >= 3:  # too few substring hits: allow typos
            rows = await _run(conn, name_plan(folded, kinds, limit, fuzzy=True), limit)
    return query, [hit(row, lang) for row in rows]


def hit(row, lang: str) -> dict:
    layer = BY_ID[KINDS[row.kind]]
    point = layer.geometry_type == "Point"
    return {
        "kind": row.kind, "collection": layer.id, "feature_id": row.feature_id,
        "label": labels.label(row, lang), "context": labels.context(row, lang),
        "match": row.match, "match_type": MATCH_TYPES[row.tier],
        "code": row.code if row.kind == "address" else None,  # its page is /a/{code} (issue 16)
        "geometry": row.geometry or "null",  # GeoJSON text from PostGIS, spliced in as is
        "bbox": None if point else [round(v, 6) for v in (row.xmin, row.ymin, row.xmax, row.ymax)],
    }
