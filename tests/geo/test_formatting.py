"""Numbers, areas and dates as people in each language write them."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from geo import formatting as fmt


@pytest.mark.parametrize("value, lang, digits, expected", [
    (1234567.891, "vi", 2, "1.234.567,89"), (1234567.891, "en", 2, "1,234,567.89"),
    (12.5, "vi", 1, "12,5"), (12.0, "vi", 2, "12"), (999, "en", 0, "999"), (None, "vi", 0, ""),
])
def test_numbers_group_and_mark_decimals_per_language(value, lang, digits, expected):
    assert fmt.number(value, lang, digits) == expected


def test_areas_are_rounded_as_a_register_shows_them():
    assert fmt.area_ha(50.89078219689857, "vi") == "50,9 ha"
    assert fmt.area_ha(50.89078219689857, "en") == "50.9 ha"
    assert fmt.area_ha(3.14159, "vi") == "3,14 ha" and fmt.area_ha(1234.4, "en") == "1,234 ha"


@pytest.mark.parametrize("value, lang, expected", [
    (date(2026, 12, 3), "vi", "03/12/2026"), (date(2026, 12, 3), "en", "3 Dec 2026"),
    ("2026-01-09", "vi", "09/01/2026"), (datetime(2026, 5, 1, 8, 30), "en", "1 May 2026"),
    ("not a date", "vi", "not a date"), (None, "en", ""),
])
def test_dates_are_written_day_first(value, lang, expected):
    assert fmt.day(value, lang) == expected
