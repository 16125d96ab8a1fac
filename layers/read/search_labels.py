"""What a search hit says: its name, and the commune and province that tell equal names apart.

Districts were abolished in 2025, so a commune is placed by its province alone: two "Xã Tân
Thành" read "Xã Tân Thành, Nghệ An" and "Xã Tân Thành, Tuyên Quang".
"""
from __future__ import annotations

from geo.vocabulary import ADMIN_LEVELS, UNIT_KINDS


def _commune(row, lang: str) -> str | None:
    if lang == "vi" or not row.commune_en:
        return row.commune_vi
    kind = UNIT_KINDS.get(row.commune_kind, ADMIN_LEVELS["commune"])[1].lower()
    return f"{row.commune_en} {kind}"


def _province(row, lang: str) -> str | None:
    return (row.province_en or row.province_vi) if lang == "en" else row.province_vi


def name(row, lang: str) -> str:
    """The hit's own name (a commune's is its full name, an address its code and village)."""
    if row.kind == "commune":
        return _commune(row, lang) or row.name
    text = (row.name_en or row.name) if lang == "en" else row.name
    if row.kind == "growing_area":
        return f"{text} ({row.code})"
    if row.kind == "address":
        code = row.code if row.match == row.code else f"{row.match} · {row.code}"  # found by Plus Code
        return ", ".join(x for x in (code, row.village) if x)
    return text


def context(row, lang: str) -> str:
    """Where it is: the commune (not for a commune itself) and the province."""
    parts = [] if row.kind == "commune" else [_commune(row, lang)]
    return ", ".join(x for x in (*parts, _province(row, lang)) if x)


def label(row, lang: str) -> str:
    return ", ".join(x for x in (name(row, lang), context(row, lang)) if x)
