"""Growing-area codes (mã số vùng trồng) from a configurable template.

Public sources describe a growing-area code as country + province + (district) + commune +
serial, but no exact format is settled, and the district level was abolished in 2025. So the
format is a template, ``"VN-{province}-{commune}-{serial:04d}"`` by default, and changing it is
configuration, not code. Placeholders:

* ``{province}`` 2 digits, ``{commune}`` 5 digits (national administrative codes),
* ``{district}`` 3 digits, or empty for the two-level system after 2025,
* ``{crop}`` a short uppercase ASCII abbreviation chosen by the caller,
* ``{year}`` 4 digits,
* ``{serial}`` required, optionally zero-padded (``{serial:04d}``); it grows past the padding.

A code must be unique and never reused, even after revocation. Uniqueness comes from the
serial: everything else in the code forms its *counter scope* (``"VN-40-16708"`` for the
default), and the database keeps one never-decreasing counter per scope. A template is
rejected if two placeholders of variable width ({serial}, {district}) touch through digits
only, because then two different codes could print the same.
"""
from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass

_SHAPES = {
    "province": (r"[0-9]{2}", "2 digits"),
    "commune": (r"[0-9]{5}", "5 digits"),
    "district": (r"(?:[0-9]{3})?", "3 digits or empty"),
    "crop": (r"[A-Z]{1,10}", "1-10 uppercase ASCII letters"),
    "year": (r"[0-9]{4}", "4 digits"),
}
_PADDED = {"province": 2, "commune": 5, "district": 3}
_SERIAL_SPEC = re.compile(r"(?:0([1-9][0-9]?))?d?")
_DIGIT_FIELDS = {"province", "commune", "district", "year", "serial"}
_VARIABLE_DIGITS = {"district", "serial"}
_SCOPE_SEPARATORS = "-_/. "


@functools.lru_cache(maxsize=64)
def _compile(template: str) -> tuple[tuple[tuple[str, str | None, int], ...], re.Pattern]:
    """Split the template into (literal, field, serial padding) parts and build the parse regex."""
    try:
        raw = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"malformed template {template!r}: {exc}") from None
    parts: list[tuple[str, str | None, int]] = []
    seen: set[str] = set()
    for literal, field, spec, conversion in raw:
        pad = 0
        if field is not None:
            if field not in _SHAPES and field != "serial":
                allowed = ", ".join(sorted([*_SHAPES, "serial"]))
                raise ValueError(f"unknown placeholder {{{field}}} in {template!r}; allowed: {allowed}")
            if conversion:
                raise ValueError(f"conversion !{conversion} not allowed in {template!r}")
            if field in seen:
                raise ValueError(f"placeholder {{{field}}} appears twice in {template!r}")
            seen.add(field)
            if field == "serial":
                m = _SERIAL_SPEC.fullmatch(spec or "")
                if not m:
                    raise ValueError(f"serial format {spec!r} not supported; use {{serial}} or e.g. {{serial:04d}}")
                pad = int(m.group(1) or 0)
            elif spec:
                raise ValueError(f"format spec only allowed on {{serial}}, not {{{field}:{spec}}}")
        parts.append((literal, field, pad))
    if "serial" not in seen:
        raise ValueError(f"template {template!r} has no {{serial}}: codes would not be unique")
    run: list[str] = []  # digit placeholders touching each other with no literal text between
    for literal, field, _ in parts:
        if literal:
            run = []
        if field is None:
            continue
        run = [*run, field] if field in _DIGIT_FIELDS else []
        if len(_VARIABLE_DIGITS.intersection(run)) > 1:
            raise ValueError(
                f"{{district}} and {{serial}} touch without a separator in {template!r}: ambiguous codes"
            )
    regex = "".join(
        re.escape(literal)
        + ("" if field is None else f"(?P<{field}>{_serial_regex(pad) if field == 'serial' else _SHAPES[field][0]})")
        for literal, field, pad in parts
    )
    return tuple(parts), re.compile(regex)


def _serial_regex(pad: int) -> str:
    return rf"[0-9]{{{max(pad, 1)},}}"


def _clean(field: str, value) -> str:
    if field == "district" and value in (None, ""):
        return ""
    if value is None:
        raise ValueError(f"{field} is required by the template")
    pattern, shape = _SHAPES[field]
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        # Administrative codes read from spreadsheets often lost their leading zeros.
        value = str(value).zfill(_PADDED.get(field, 0))
    if not isinstance(value, str) or not re.fullmatch(pattern, value):
        raise ValueError(f"{field} must be {shape}, got {value!r}")
    return value


@dataclass(frozen=True)
class CodeScheme:
    template: str

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        _compile(self.template)

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(field for _, field, _ in _compile(self.template)[0] if field is not None)

    def _render(self, values: dict) -> tuple[str, str]:
        """Text before and after the serial, with the other placeholders filled in."""
        before: list[str] = []
        after: list[str] = []
        target = before
        for literal, field, _ in _compile(self.template)[0]:
            target.append(literal)
            if field == "serial":
                target = after
            elif field is not None:
                target.append(_clean(field, values.get(field)))
        return "".join(before), "".join(after)

    def format(self, province=None, commune=None, serial=None, crop=None, year=None, district=None) -> str:
        """The code; values the template does not use are ignored so callers can pass all they have."""
        if isinstance(serial, bool) or not isinstance(serial, int) or serial < 0:
            raise ValueError(f"serial must be a non-negative int, got {serial!r}")
        values = dict(province=province, commune=commune, crop=crop, year=year, district=district)
        before, after = self._render(values)
        pad = next(p for _, field, p in _compile(self.template)[0] if field == "serial")
        return f"{before}{serial:0{pad}d}{after}" if pad else f"{before}{serial}{after}"

    def counter_scope(self, province=None, commune=None, crop=None, year=None, district=None) -> str:
        """Key of the serial counter: the code without the serial and the separator next to it."""
        values = dict(province=province, commune=commune, crop=crop, year=year, district=district)
        before, after = self._render(values)
        if not after:
            return before.rstrip(_SCOPE_SEPARATORS)
        if not before:
            return after.lstrip(_SCOPE_SEPARATORS)
        return before + after.lstrip(_SCOPE_SEPARATORS)

    def parse(self, code: str) -> dict:
        """Inverse of `format`: placeholder values (serial and year as int) of a canonical code."""
        if not isinstance(code, str):
            raise TypeError(f"code must be a string, got {type(code).__name__}")
        m = _compile(self.template)[1].fullmatch(code)
        if not m:
            raise ValueError(f"{code!r} does not match the template {self.template!r}")
        values = m.groupdict()
        values["serial"] = int(values["serial"])
        if "year" in values:
            values["year"] = int(values["year"])
        # Rejects non-canonical spellings such as extra zero padding ("VN-40-16708-00012").
        if self.format(**values) != code:
            raise ValueError(f"{code!r} is not in the canonical form of {self.template!r}")
        return values


DEFAULT_SCHEME = CodeScheme("VN-{province}-{commune}-{serial:04d}")
