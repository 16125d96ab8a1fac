"""Turning file values into column values, with a reason when that is impossible."""
from __future__ import annotations

import math
import re
from datetime import date, datetime

import pandas as pd

from geo.crops import CROPS
from geo.vector_sniff import shorten

TRUE = {"1", "true", "t", "yes", "y", "co", "có", "x"}
FALSE = {"0", "false", "f", "no", "n", "khong", "không", ""}


class BadValue(ValueError):
    pass


def shown(v) -> str:
    """A file's value as a message quotes it: cut short, since the report goes back to the sender."""
    return repr(shorten(v)) if isinstance(v, str) else shorten(repr(v))


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip()) or v is pd.NaT


def text(v):
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


# Codes are text (a DBF numeric field loses leading zeros, which cannot be guessed back).
code_text = text


def integer(v):
    if _blank(v):
        return None
    try:
        f = float(str(v).replace(",", ".")) if isinstance(v, str) else float(v)
    except ValueError:
        raise BadValue(f"{shown(v)} is not a number") from None
    if not f.is_integer():
        raise BadValue(f"{shown(v)} is not a whole number")
    return int(f)


def number(v):
    if _blank(v):
        return None
    try:
        return float(str(v).replace(",", ".")) if isinstance(v, str) else float(v)
    except ValueError:
        raise BadValue(f"{shown(v)} is not a number") from None


def boolean(v):
    if _blank(v):
        return None
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in TRUE:
        return True
    if s in FALSE:
        return False
    raise BadValue(f"{shown(v)} is not yes/no")


def day(v):
    if _blank(v):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = str(v).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(s[:10], fmt).date()
        except ValueError:
            continue
    raise BadValue(f"{shown(v)} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def text_list(v):
    if _blank(v):
        return []
    if isinstance(v, (list, tuple)):
        return [str(x).strip() for x in v if str(x).strip()]
    return [s.strip() for s in re.split(r"[;,|]", str(v)) if s.strip()]


def one_of(*allowed):
    def convert(v):
        s = text(v)
        if s is None:
            return None
        if s not in allowed:
            raise BadValue(f"{shown(s)} is not one of {', '.join(allowed)}")
        return s
    return convert


def _fold(s: str) -> str:
    import unicodedata
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn").lower().strip()


_CROP_NAMES = {
    _fold(name): code
    for code, crop in CROPS.items()
    for name in (code, crop.name_vi, crop.name_en, crop.abbr)
}


def crop(v):
    s = text(v)
    if s is None:
        return None
    try:
        return _CROP_NAMES[_fold(s)]
    except KeyError:
        raise BadValue(f"unknown crop {shown(s)}; known: {', '.join(CROPS)}") from None
