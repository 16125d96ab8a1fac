"""GS1 identifiers for harvest lots: GTINs, lot numbers and GS1 Digital Link URIs (no I/O here).

A lot whose product has a GTIN is named by a GS1 Digital Link URI,
``https://{host}/01/{GTIN-14}/10/{lot}``, so any GS1-aware scanner, retailer or resolver
understands it; the same URI is what the label's QR code holds. This module:

* checks GTIN-8/12/13/14 with the GS1 mod-10 check digit and writes them as 14 digits, the form
  the Digital Link URI syntax makes canonical (shorter GTINs take leading zeros);
* checks lot (AI 10) and serial (AI 21) values: 1-20 characters of GS1 AI encodable character
  set 82, percent-encoded in the URI wherever the character is not unreserved in RFC 3986;
* builds and parses Digital Link URIs, path ``01 [/10] [/21]`` after any path prefix, and the
  date AIs of the query string (11, 13, 15, 16, 17 as YYMMDD; 7007 harvest date or range);
  other AIs are refused by number rather than silently dropped;
* builds the RFC 9264 linkset (``application/linkset+json``) a GS1-conformant resolver answers
  to ``?linkType=all``.

Grammar read from the GS1 Digital Link 1.2 ABNF; linkset shape from the GS1-Conformant Resolver
standard. Every refusal is a `GS1Problem` whose message is a `geo.said.Said`: the English text,
the catalogue key ("errors.gs1.…") and its values, so api/ can say it in the reader's language.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from geo.said import Said

GTIN_LENGTHS = (8, 12, 13, 14)
MAX_LOT = 20  # AI 10 and AI 21: 1-20 characters (GS1 General Specifications)
# GS1 AI encodable character set 82: digits, letters and these 20 symbols.
CSET82 = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                   "!\"%&'()*+,-./:;<=>?_")
DATE_AIS = {"11": "production date", "13": "packaging date", "15": "best before date",
            "16": "sell by date", "17": "expiry date"}
HARVEST_AI = "7007"  # harvest date: YYMMDD, or YYMMDDYYMMDD for a range
QUERY_AIS = (*DATE_AIS, HARVEST_AI)
PATH_NAMES = {"01": "01", "gtin": "01", "10": "10", "lot": "10", "21": "21", "ser": "21"}
QUERY_NAMES = {"exp": "17"}  # the 1.2 grammar's convenience alias
OTHER_PRIMARY_KEYS = ("00", "253", "255", "401", "402", "414", "415", "417", "8003", "8004",
                      "8006", "8010", "8013", "8017", "8018")

LINKSET_MEDIA_TYPE = "application/linkset+json"
LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context"
GS1_VOC = "https://gs1.org/voc/"
# GS1 Web Vocabulary link types (gs1:linkType's sub-properties); a lot's resolver offers pip,
# traceability, certificationInfo, epcis … The list of gs1/digital-link.js, with the later
# relatedImage and dpp.
LINK_TYPES = (
    "activityIdeas", "allergenInfo", "brandHomepageClinical", "brandHomepagePatient", "careersInfo",
    "certificationInfo", "consumerHandlingStorageInfo", "defaultLink", "defaultLinkMulti", "dpp",
    "epcis", "epil", "eventsInfo", "faqs", "handledBy", "hasRetailers", "homepage", "ingredientsInfo",
    "instructions", "jws", "leaveReview", "locationInfo", "logisticsInfo", "masterData", "menuInfo",
    "nutritionalInfo", "openingHoursInfo", "paymentLink", "pip", "productSustainabilityInfo",
    "promotion", "purchaseSuppliesOrAccessories", "quickStartGuide", "recallStatus", "recipeInfo",
    "registerProduct", "registryEntry", "relatedImage", "relatedVideo", "review", "safetyInfo",
    "scheduleTime", "serviceInfo", "smartLabel", "smpc", "socialMedia", "statisticInfo", "support",
    "sustainabilityInfo", "traceability", "tutorial", "userAgreement", "verificationService",
    "whatsInTheBox")

# English words of every refusal; the catalogue holds the same under "errors.gs1.<name>".
ENGLISH = {
    "errors.gs1.gtin_empty": "the GTIN is empty; it has 8, 12, 13 or 14 digits",
    "errors.gs1.gtin_not_digits": "the GTIN {value} may hold only digits; "
                                  "{character} at position {position} is not one",
    "errors.gs1.gtin_length": "the GTIN {value} has {length} digits; a GTIN has 8, 12, 13 or 14",
    "errors.gs1.gtin_check_digit": "the GTIN {value} ends in check digit {given}, "
                                   "but its other digits give {expected}: a digit is mistyped",
    "errors.gs1.lot_empty": "the lot number is empty; it needs 1 to {limit} characters",
    "errors.gs1.lot_too_long": "the lot number {value} has {length} characters; at most {limit} are allowed",
    "errors.gs1.lot_bad_character": "the lot number {value} holds {character} at position {position}, "
                                    "which GS1 barcodes cannot carry: use A-Z, a-z, 0-9 and "
                                    "!\"%&'()*+,-./:;<=>?_ only (no spaces, no accents)",
    "errors.gs1.serial_empty": "the serial number is empty; it needs 1 to {limit} characters",
    "errors.gs1.serial_too_long": "the serial number {value} has {length} characters; at most {limit} are allowed",
    "errors.gs1.serial_bad_character": "the serial number {value} holds {character} at position {position}, "
                                       "which GS1 barcodes cannot carry: use A-Z, a-z, 0-9 and "
                                       "!\"%&'()*+,-./:;<=>?_ only (no spaces, no accents)",
    "errors.gs1.base_url": "the resolver address {value} must be an http or https URL "
                           "with no query or fragment",
    "errors.gs1.not_a_link": "{value} is not a GS1 Digital Link URI: no /01/ followed by a GTIN",
    "errors.gs1.unsupported_key": "the GS1 key {ai} is not a product (GTIN, AI 01): "
                                  "only products' lots are traced here",
    "errors.gs1.path_incomplete": "the path segment {ai} has no value after it",
    "errors.gs1.path_order": "in the path {ai} cannot follow {previous}: the order is 01, 10, 21",
    "errors.gs1.unsupported_ai": "the application identifier {ai} is not supported here; "
                                 "supported: {supported}",
    "errors.gs1.misplaced_ai": "the application identifier {ai} belongs in the path, not the query string",
    "errors.gs1.duplicate_ai": "the application identifier {ai} appears twice",
    "errors.gs1.bad_date": "AI {ai} must be a date written YYMMDD; {value} is not one",
    "errors.gs1.link_type": "unknown link type {value}: use gs1:pip, gs1:traceability, "
                            "gs1:certificationInfo … or a full https URI",
    "errors.gs1.link_href": "the link {value} must be an absolute http or https URL",
    "errors.gs1.link_default": "{count} links are marked as default; at most one may be",
    "errors.gs1.no_links": "a linkset needs at least one link",
}


class GS1Problem(ValueError):
    """A GS1 identifier or URI that cannot be used; `key`/`values` name the catalogue entry."""

    def __init__(self, key: str, **values) -> None:
        self.key, self.values = key, values
        super().__init__(Said(ENGLISH[key].format(**values), key, **values))


# ---------------------------------------------------------------- GTIN


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of `body` (the digits before it): from the right, weights 3, 1, 3 …"""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def validate_gtin(text) -> str:
    """The GTIN as given (8, 12, 13 or 14 digits, surrounding blanks removed), or GS1Problem."""
    value = str(text if text is not None else "").strip()
    if not value:
        raise GS1Problem("errors.gs1.gtin_empty")
    for i, c in enumerate(value, 1):
        if not ("0" <= c <= "9"):
            raise GS1Problem("errors.gs1.gtin_not_digits", value=value, character=repr(c), position=i)
    if len(value) not in GTIN_LENGTHS:
        raise GS1Problem("errors.gs1.gtin_length", value=value, length=len(value))
    expected = check_digit(value[:-1])
    if int(value[-1]) != expected:
        raise GS1Problem("errors.gs1.gtin_check_digit", value=value, given=int(value[-1]), expected=expected)
    return value


def gtin14(text) -> str:
    """The checked GTIN as 14 digits, the form a Digital Link URI uses: leading zeros added."""
    return validate_gtin(text).zfill(14)


# ---------------------------------------------------------------- lot and serial

_AI_KINDS = {"10": "lot", "21": "serial"}


def validate_value(text, ai: str = "10") -> str:
    """A lot (AI 10) or serial (AI 21): 1-20 characters of set 82, kept exactly (case matters)."""
    value = "" if text is None else str(text)
    kind = _AI_KINDS[ai]
    if not value:
        raise GS1Problem(f"errors.gs1.{kind}_empty", limit=MAX_LOT)
    for i, c in enumerate(value, 1):
        if c not in CSET82:
            raise GS1Problem(f"errors.gs1.{kind}_bad_character", value=value, character=repr(c), position=i)
    if len(value) > MAX_LOT:
        raise GS1Problem(f"errors.gs1.{kind}_too_long", value=value, length=len(value), limit=MAX_LOT)
    return value


def validate_lot(text) -> str:
    return validate_value(text, "10")


def encode(value: str) -> str:
    """Percent-encode an AI value for a URI: everything but RFC 3986's unreserved A-Z a-z 0-9 - . _
    (set 82 has no "~"). The 1.2 grammar lets '"' through unencoded, but RFC 3986 does not."""
    return quote(value, safe="")


# ---------------------------------------------------------------- dates


def yymmdd(text: str, ai: str, today: dt.date) -> dt.date:
    """A GS1 date: the century by the General Specifications' sliding window around `today`
    (a year up to 50 ahead or 49 back); day 00 means the month's last day."""
    if not re.fullmatch(r"[0-9]{6}", text):
        raise GS1Problem("errors.gs1.bad_date", ai=ai, value=text)
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:])
    now = today.year % 100
    century = today.year - now
    if yy - now >= 51:
        century -= 100
    elif yy - now <= -50:
        century += 100
    if not 1 <= mm <= 12:
        raise GS1Problem("errors.gs1.bad_date", ai=ai, value=text)
    last = calendar.monthrange(century + yy, mm)[1]
    if dd > last:
        raise GS1Problem("errors.gs1.bad_date", ai=ai, value=text)
    return dt.date(century + yy, mm, dd or last)


def _write_date(value: dt.date) -> str:
    return value.strftime("%y%m%d")


# ---------------------------------------------------------------- Digital Link URIs


@dataclass(frozen=True)
class DigitalLink:
    """A parsed or built GS1 Digital Link URI. `dates` maps a date AI to its date; `harvest` is
    AI 7007 (one day, or a first and last day); `extras` are the non-GS1 parameters (linkType …)."""
    base: str  # scheme://host[:port][/prefix], no trailing slash
    gtin: str  # 14 digits
    lot: str | None = None
    serial: str | None = None
    dates: dict[str, dt.date] = field(default_factory=dict)
    harvest: tuple[dt.date, dt.date] | None = None
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        out = f"/01/{self.gtin}"
        if self.lot is not None:
            out += f"/10/{encode(self.lot)}"
        if self.serial is not None:
            out += f"/21/{encode(self.serial)}"
        return out

    @property
    def uri(self) -> str:
        """The canonical URI: GTIN-14, path qualifiers, GS1 query AIs in number order (no extras)."""
        query = [f"{ai}={_write_date(self.dates[ai])}" for ai in sorted(self.dates, key=int)]
        if self.harvest is not None:
            first, last = self.harvest
            query.append(f"{HARVEST_AI}={_write_date(first)}" + ("" if first == last else _write_date(last)))
        return self.base + self.path + ("?" + "&".join(query) if query else "")

    @property
    def expiry(self) -> dt.date | None:
        return self.dates.get("17")


def _check_base(base: str) -> str:
    parts = urlsplit(base or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or "#" in base:
        raise GS1Problem("errors.gs1.base_url", value=base)
    return base.rstrip("/")


def build(base: str, gtin, lot=None, serial=None, dates: dict[str, dt.date] | None = None,
          harvest: dt.date | tuple[dt.date, dt.date] | None = None) -> DigitalLink:
    """A Digital Link for a product (and lot, serial, dates) on the resolver at `base`."""
    for ai in dates or {}:
        if ai not in DATE_AIS:
            raise GS1Problem("errors.gs1.unsupported_ai", ai=ai, supported=", ".join(QUERY_AIS))
    if isinstance(harvest, dt.date):
        harvest = (harvest, harvest)
    return DigitalLink(
        base=_check_base(base), gtin=gtin14(gtin),
        lot=None if lot is None else validate_value(lot, "10"),
        serial=None if serial is None else validate_value(serial, "21"),
        dates=dict(dates or {}), harvest=harvest)


def parse(uri: str, today: dt.date | None = None) -> DigitalLink:
    """A Digital Link URI read back, whatever path prefix precedes /01/; GS1Problem otherwise.
    `today` anchors two-digit years (default: the current date)."""
    today = today or dt.date.today()
    parts = urlsplit(uri or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise GS1Problem("errors.gs1.not_a_link", value=uri)
    segments = parts.path.split("/")
    start = next((i for i, s in enumerate(segments) if s in ("01", "gtin")), None)
    if start is None:
        other = next((s for s in segments if s in OTHER_PRIMARY_KEYS), None)
        if other is not None:
            raise GS1Problem("errors.gs1.unsupported_key", ai=other)
        raise GS1Problem("errors.gs1.not_a_link", value=uri)
    base = f"{parts.scheme}://{parts.netloc}" + "/".join(segments[:start]).rstrip("/")
    pairs = segments[start:]
    if pairs and pairs[-1] == "" and len(pairs) % 2 == 1:
        pairs = pairs[:-1]  # a trailing slash
    values: dict[str, str] = {}
    previous = ""
    for i in range(0, len(pairs), 2):
        name = pairs[i]
        ai = PATH_NAMES.get(name)
        if ai is None:
            raise GS1Problem("errors.gs1.unsupported_ai", ai=name, supported="01, 10, 21")
        if i + 1 >= len(pairs) or pairs[i + 1] == "":
            raise GS1Problem("errors.gs1.path_incomplete", ai=ai)
        if previous and int(ai) <= int(previous):
            raise GS1Problem("errors.gs1.path_order", ai=ai, previous=previous)
        values[ai], previous = unquote(pairs[i + 1]), ai
    dates, harvest, extras = _parse_query(parts.query, today)
    return DigitalLink(base=base, gtin=gtin14(values["01"]),
                       lot=validate_value(values["10"], "10") if "10" in values else None,
                       serial=validate_value(values["21"], "21") if "21" in values else None,
                       dates=dates, harvest=harvest, extras=extras)


def _parse_query(query: str, today: dt.date):
    dates: dict[str, dt.date] = {}
    harvest = None
    extras: dict[str, str] = {}
    seen: set[str] = set()
    for item in re.split(r"[&;]", query) if query else ():
        if not item:
            continue
        raw_key, _, raw_value = item.partition("=")
        key, value = unquote(raw_key), unquote(raw_value)
        ai = QUERY_NAMES.get(key, key)
        if not ai.isdigit():
            extras[key] = value  # the extension mechanism: linkType, lang, context …
            continue
        if ai in seen:
            raise GS1Problem("errors.gs1.duplicate_ai", ai=ai)
        seen.add(ai)
        if ai in ("01", "10", "21", "22"):
            raise GS1Problem("errors.gs1.misplaced_ai", ai=ai)
        if ai in DATE_AIS:
            dates[ai] = yymmdd(value, ai, today)
        elif ai == HARVEST_AI and len(value) in (6, 12):
            first = yymmdd(value[:6], ai, today)
            harvest = (first, yymmdd(value[6:], ai, today) if len(value) == 12 else first)
        elif ai == HARVEST_AI:
            raise GS1Problem("errors.gs1.bad_date", ai=ai, value=value)
        else:
            raise GS1Problem("errors.gs1.unsupported_ai", ai=ai, supported=", ".join(QUERY_AIS))
    return dates, harvest, extras


# ---------------------------------------------------------------- linkset (RFC 9264)


@dataclass(frozen=True)
class Link:
    """One link a resolver offers: `link_type` "gs1:pip", "pip" or a full URI; `default` marks
    the one a plain scan redirects to (the first link when none is marked)."""
    link_type: str
    href: str
    title: str
    media_type: str | None = None  # e.g. "text/html", "application/ld+json"
    languages: tuple[str, ...] = ()
    default: bool = False


def link_type_uri(name: str) -> str:
    """'gs1:pip' / 'pip' / 'https://gs1.org/voc/pip' → 'https://gs1.org/voc/pip'; another
    https URI is an extension relation type and kept as it is."""
    text = (name or "").strip()
    short = text[4:] if text.startswith("gs1:") else text[len(GS1_VOC):] if text.startswith(GS1_VOC) else text
    if short in LINK_TYPES:
        return GS1_VOC + short
    if text.startswith("https://") and not text.startswith(GS1_VOC) and " " not in text:
        return text
    raise GS1Problem("errors.gs1.link_type", value=name)


def linkset(anchor: str, links, description: str | None = None) -> dict:
    """The linkset document for `anchor` (the Digital Link URI without query string): each link
    under its type's URI, the default link also under gs1:defaultLink."""
    links = list(links)
    if not links:
        raise GS1Problem("errors.gs1.no_links")
    defaults = [link for link in links if link.default]
    if len(defaults) > 1:
        raise GS1Problem("errors.gs1.link_default", count=len(defaults))
    _check_base(anchor)
    context: dict = {"anchor": anchor}
    if description:
        context["description"] = description
    default = defaults[0] if defaults else links[0]
    context[GS1_VOC + "defaultLink"] = [_target(default)]
    for link in links:
        context.setdefault(link_type_uri(link.link_type), []).append(_target(link))
    return {"linkset": [context]}


def _target(link: Link) -> dict:
    parts = urlsplit(link.href or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise GS1Problem("errors.gs1.link_href", value=link.href)
    out: dict = {"href": link.href, "title": link.title}
    if link.media_type:
        out["type"] = link.media_type
    if link.languages:
        out["hreflang"] = list(link.languages)
    return out
