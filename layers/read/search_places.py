"""A village named with its commune in one query: "xom 5 dien chau", "Diễn Châu, Xóm 5", "5 dien chau".

The folded query is cut between any two words into a village part and a commune part (either
order). The commune part must be a commune's name or full name ("dien chau", "xa dien chau"),
or the start of one while it is being typed; the village part must be the village's name with
or without its kind word: "thôn", "xóm", "bản", "ấp" and the like are optional and
interchangeable ("thon 5" and "5" find "Xóm 5"). Communes are found through the trigram index on
their folded names, villages through their commune's code, so each cut stays a few index probes.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

from layers.read.registry import BY_ID
from layers.read.relations import public_where, relation
from layers.read.search_rows import in_commune, ranked, row

# Kind words a village's name may start with (folded): they are not part of what tells it apart.
VILLAGE_WORDS = ("to dan pho", "khu pho", "thon", "xom", "ban", "ap", "lang", "khoi", "buon",
                 "soc", "phum", "to", "khu", "tdp")
_KIND = re.compile(r"^(?:%s)\s+" % "|".join(VILLAGE_WORDS))
MAX_WORDS = 8  # a longer query is not a village and commune; each cut is one branch


def core(folded: str) -> str:
    """A folded village name without its kind word: "xom 5" -> "5"."""
    return _KIND.sub("", folded, count=1)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def cuts(folded: str) -> list[tuple[str, str]]:
    """(village part, commune part) for every cut of the query into two runs of words."""
    words = [w for w in re.split(r"[\s,;]+", folded) if w]
    if not 2 <= len(words) <= MAX_WORDS:
        return []
    out = []
    for i in range(1, len(words)):
        head, tail = " ".join(words[:i]), " ".join(words[i:])
        out += [(head, tail), (tail, head)]
    return [(v, c) for v, c in out if core(v) and len(c) >= 2]


def _branch(village_part: str, commune_part: str, limit: int) -> sa.Select:
    layer = BY_ID["villages"]
    v, c = relation(layer), relation(BY_ID["communes"])
    fold = lambda col: sa.func.ntm_fold(col, type_=sa.Text)  # noqa: E731
    names = (fold(c.c.name_vi), fold(c.c.full_name_vi))
    pattern = f"{_like(commune_part)}%"
    commune_tier = sa.case((sa.or_(*(n == commune_part for n in names)), 0), else_=1)
    mine = sa.func.regexp_replace(fold(v.c.name), _KIND.pattern, "")
    wanted = core(village_part)
    village_tier = sa.case((mine == wanted, 0), else_=1)
    source, extra = in_commune(v.join(c, c.c.code == v.c.commune_code), v, commune=c)
    cols = row("village", feature_id=v.c.id, name=v.c.name, match=v.c.name,
               tier=sa.func.greatest(commune_tier, village_tier), geom=v.c.geom, **extra)
    where = [*public_where(layer, v), sa.or_(*(n.like(pattern) for n in names)),
             mine.like(f"{_like(wanted)}%")]
    return ranked(sa.select(*cols).select_from(source).where(*where), cols, limit)


def plan(folded: str, limit: int) -> list[sa.Select]:
    return [_branch(v, c, limit) for v, c in cuts(folded)]
