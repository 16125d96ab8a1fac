"""Numbers, areas, lengths and dates as people read them, in Vietnamese or English.

Vietnamese writes 1.234,5 and 03/12/2026; English 1,234.5 and 3 Dec 2026. One formatter for
every page and message, mirrored for scripts by api/static/common/format.js (same rules;
tests/geo/test_format_js.py runs both on the same values). Pure: no database, no web.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def number(value, lang: str, digits: int = 0) -> str:
    """Grouped thousands and at most `digits` decimals (trailing zeros dropped)."""
    if value is None:
        return ""
    # Half away from zero on the number's exact value, as the browser's Intl.NumberFormat does
    # (api/static/common/format.js): 12.5 ha is "13", not Python's round-half-even "12".
    exact = Decimal(float(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{exact:,.{digits}f}"
    if text.startswith("-") and not exact:
        text = text[1:]  # -0.001 to 0 digits is "0", not "-0"
    if digits and "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def area_ha(value, lang: str) -> str:
    """Hectares to two decimals below 10 ha, one below 100, whole above: what a register shows."""
    if value is None:
        return ""
    v = float(value)
    digits = 2 if abs(v) < 10 else 1 if abs(v) < 100 else 0
    return f"{number(v, lang, digits)} ha"


def length_km(value, lang: str) -> str:
    if value is None:
        return ""
    return f"{number(value, lang, 1)} km"


def day(value, lang: str) -> str:
    """A date (or the date of a datetime, or an ISO string) as people write it."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else date.fromisoformat(value[:10])
        except ValueError:
            return value
    d = value.date() if isinstance(value, datetime) else value
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if lang == "vi" else f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
