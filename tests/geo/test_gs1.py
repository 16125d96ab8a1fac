"""GS1 identifiers: GTIN check digits, lot values, Digital Link URIs and linksets (geo.gs1)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from geo import gs1
from geo.gs1 import GS1Problem

TODAY = dt.date(2026, 12, 5)

# GTINs printed on real products or in GS1's own documents, with the check digit they carry.
REAL_GTINS = [
    "9506000134352",   # GS1's Dal Giardino risotto rice, the Digital Link documents' example (GTIN-13)
    "09506000134352",  # the same as GTIN-14
    "05412345000013",  # the GS1 Digital Link test suite's example (GTIN-14)
    "4006381333931",   # a Stabilo pen (EAN-13)
    "036000291452",    # a UPC-A example from GS1 US (GTIN-12)
    "96385074",        # an EAN-8
]


def oracle_is_valid(gtin: str) -> bool:
    """The check the General Specifications state the other way round: padded to 18 digits,
    weights 3,1,3,… from the left over all digits, check digit included, sum to a multiple of 10."""
    padded = gtin.zfill(18)
    return sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(padded)) % 10 == 0


@pytest.mark.parametrize("gtin", REAL_GTINS)
def test_real_gtins_pass_and_every_other_last_digit_fails(gtin):
    assert oracle_is_valid(gtin)
    assert gs1.validate_gtin(gtin) == gtin
    assert gs1.check_digit(gtin[:-1]) == int(gtin[-1])
    for wrong in set("0123456789") - {gtin[-1]}:
        with pytest.raises(GS1Problem) as caught:
            gs1.validate_gtin(gtin[:-1] + wrong)
        assert caught.value.key == "errors.gs1.gtin_check_digit"
        assert caught.value.values == {"value": gtin[:-1] + wrong, "given": int(wrong), "expected": int(gtin[-1])}


def test_check_digit_agrees_with_the_oracle_on_many_bodies():
    bodies = [str(n * 7919 % 10**13).zfill(13) for n in range(1, 3000)]
    for body in bodies:
        assert oracle_is_valid(body + str(gs1.check_digit(body)))
        assert not oracle_is_valid(body + str((gs1.check_digit(body) + 1) % 10))


def test_shorter_gtins_become_14_digits_with_leading_zeros():
    assert gs1.gtin14("96385074") == "00000096385074"
    assert gs1.gtin14("036000291452") == "00036000291452"
    assert gs1.gtin14(" 9506000134352 ") == "09506000134352"
    assert gs1.gtin14(9506000134352) == "09506000134352"


@pytest.mark.parametrize("text, key, values", [
    ("", "errors.gs1.gtin_empty", {}),
    (None, "errors.gs1.gtin_empty", {}),
    ("950600013435", "errors.gs1.gtin_check_digit", {"value": "950600013435", "given": 5, "expected": 9}),
    ("95060001343", "errors.gs1.gtin_length", {"value": "95060001343", "length": 11}),
    ("095060001343520", "errors.gs1.gtin_length", {"value": "095060001343520", "length": 15}),
    ("9506-00013435", "errors.gs1.gtin_not_digits", {"value": "9506-00013435", "character": "'-'", "position": 5}),
    ("９５０６０００１３４３５２", "errors.gs1.gtin_not_digits",  # full-width digits pasted from a document
     {"value": "９５０６０００１３４３５２", "character": "'９'", "position": 1}),
])
def test_gtin_refusals_name_what_is_wrong(text, key, values):
    with pytest.raises(GS1Problem) as caught:
        gs1.validate_gtin(text)
    assert (caught.value.key, caught.value.values) == (key, values)
    assert str(caught.value) == gs1.ENGLISH[key].format(**values)


def test_lot_values_keep_case_and_accept_all_of_set_82():
    assert gs1.validate_lot("Ab-12.x_Y") == "Ab-12.x_Y"
    assert gs1.validate_lot("A" * 20) == "A" * 20
    symbols = "!\"%&'()*+,-./:;<=>?_"
    assert len(gs1.CSET82) == 82 and set(symbols) < gs1.CSET82
    for c in symbols:
        assert gs1.validate_lot(f"L{c}1") == f"L{c}1"


@pytest.mark.parametrize("text, ai, key, values", [
    ("", "10", "errors.gs1.lot_empty", {"limit": 20}),
    ("A" * 21, "10", "errors.gs1.lot_too_long", {"value": "A" * 21, "length": 21, "limit": 20}),
    ("Lô-01", "10", "errors.gs1.lot_bad_character", {"value": "Lô-01", "character": "'ô'", "position": 2}),
    ("A 1", "10", "errors.gs1.lot_bad_character", {"value": "A 1", "character": "' '", "position": 2}),
    ("A#1", "10", "errors.gs1.lot_bad_character", {"value": "A#1", "character": "'#'", "position": 2}),
    ("A~1", "10", "errors.gs1.lot_bad_character", {"value": "A~1", "character": "'~'", "position": 2}),
    ("", "21", "errors.gs1.serial_empty", {"limit": 20}),
    ("9" * 25, "21", "errors.gs1.serial_too_long", {"value": "9" * 25, "length": 25, "limit": 20}),
    ("S@1", "21", "errors.gs1.serial_bad_character", {"value": "S@1", "character": "'@'", "position": 2}),
])
def test_lot_and_serial_refusals(text, ai, key, values):
    with pytest.raises(GS1Problem) as caught:
        gs1.validate_value(text, ai)
    assert (caught.value.key, caught.value.values) == (key, values)


# Every symbol of set 82 and how the URI must carry it (the Digital Link grammar's XSYMBOL).
ENCODED = {"!": "%21", '"': "%22", "%": "%25", "&": "%26", "'": "%27", "(": "%28", ")": "%29",
           "*": "%2A", "+": "%2B", ",": "%2C", "/": "%2F", ":": "%3A", ";": "%3B", "<": "%3C",
           "=": "%3D", ">": "%3E", "?": "%3F", "-": "-", ".": ".", "_": "_"}


@pytest.mark.parametrize("symbol, encoded", ENCODED.items())
def test_lot_symbols_are_percent_encoded_in_the_path_and_read_back(symbol, encoded):
    link = gs1.build("https://trace.example.vn", "9506000134352", lot=f"A{symbol}1")
    assert link.uri == f"https://trace.example.vn/01/09506000134352/10/A{encoded}1"
    back = gs1.parse(link.uri, TODAY)
    assert back.lot == f"A{symbol}1" and back == link


def test_lowercase_percent_hex_reads_the_same():
    assert gs1.parse("https://t.vn/01/09506000134352/10/A%2f1%3b2", TODAY).lot == "A/1;2"


def test_build_parse_round_trips():
    cases = [
        dict(base="https://trace.example.vn", gtin="9506000134352"),
        dict(base="https://trace.example.vn/", gtin="96385074", lot="A-2026-01"),
        dict(base="http://127.0.0.1:8000/trace", gtin="036000291452", lot="X/1", serial="0001"),
        dict(base="https://id.example.org", gtin="05412345000013", lot="ABC123",
             dates={"17": dt.date(2029, 3, 31), "11": dt.date(2026, 11, 2)}),
        dict(base="https://id.example.org", gtin="05412345000013", lot="L1", harvest=dt.date(2026, 11, 30)),
        dict(base="https://id.example.org", gtin="05412345000013", lot="L1",
             harvest=(dt.date(2026, 11, 1), dt.date(2026, 11, 15))),
    ]
    for case in cases:
        link = gs1.build(**case)
        again = gs1.parse(link.uri, TODAY)
        assert again == link, case
        assert again.uri == link.uri
    assert gs1.build(**cases[2]).uri == "http://127.0.0.1:8000/trace/01/00036000291452/10/X%2F1/21/0001"
    assert gs1.build(**cases[3]).uri == ("https://id.example.org/01/05412345000013/10/ABC123"
                                         "?11=261102&17=290331")
    assert gs1.build(**cases[5]).uri.endswith("?7007=261101261115")


def test_parse_reads_the_spec_examples_and_keeps_the_rest():
    link = gs1.parse("https://id.gs1.org/01/05412345000013/10/ABC123?17=290331&arv=true&donor=bmgf", TODAY)
    assert (link.base, link.gtin, link.lot, link.serial) == ("https://id.gs1.org", "05412345000013", "ABC123", None)
    assert link.expiry == dt.date(2029, 3, 31)
    assert link.extras == {"arv": "true", "donor": "bmgf"}
    # A GTIN-13 in the path, the 1.2 grammar's word aliases, ';' between parameters, a trailing slash.
    alias = gs1.parse("https://example.com/some/prefix/gtin/9506000134352/lot/A1/ser/7/?exp=260200;linkType=all", TODAY)
    assert (alias.base, alias.gtin, alias.lot, alias.serial) == (
        "https://example.com/some/prefix", "09506000134352", "A1", "7")
    assert alias.expiry == dt.date(2026, 2, 28)  # day 00: the month's last day
    assert alias.extras == {"linkType": "all"}
    assert gs1.parse("https://example.com/01/09506000134352?7007=261130", TODAY).harvest == (
        dt.date(2026, 11, 30), dt.date(2026, 11, 30))


def test_two_digit_years_follow_the_sliding_window():
    assert gs1.yymmdd("751231", "17", TODAY) == dt.date(2075, 12, 31)  # 49 years ahead
    assert gs1.yymmdd("760101", "17", TODAY) == dt.date(2076, 1, 1)    # 50 ahead: still this century
    assert gs1.yymmdd("770101", "17", TODAY) == dt.date(1977, 1, 1)    # 51 ahead → the last century
    assert gs1.yymmdd("270101", "17", dt.date(2076, 6, 1)) == dt.date(2027, 1, 1)  # 49 back: this century
    assert gs1.yymmdd("260101", "17", dt.date(2076, 6, 1)) == dt.date(2126, 1, 1)  # 50 back → the next
    assert gs1.yymmdd("990101", "11", dt.date(2001, 1, 1)) == dt.date(1999, 1, 1)
    assert gs1.yymmdd("010101", "11", dt.date(1999, 6, 1)) == dt.date(2001, 1, 1)
    assert gs1.yymmdd("240200", "17", TODAY) == dt.date(2024, 2, 29)


@pytest.mark.parametrize("uri, key, values", [
    ("https://x.vn/01/9506000134353/10/A", "errors.gs1.gtin_check_digit",
     {"value": "9506000134353", "given": 3, "expected": 2}),
    ("ftp://x.vn/01/9506000134352", "errors.gs1.not_a_link", {"value": "ftp://x.vn/01/9506000134352"}),
    ("https://x.vn/l/7Q2X", "errors.gs1.not_a_link", {"value": "https://x.vn/l/7Q2X"}),
    ("https://x.vn/414/9506000134352", "errors.gs1.unsupported_key", {"ai": "414"}),
    ("https://x.vn/00/095060001343520003", "errors.gs1.unsupported_key", {"ai": "00"}),
    ("https://x.vn/01/9506000134352/10", "errors.gs1.path_incomplete", {"ai": "10"}),
    ("https://x.vn/01/9506000134352/10//21/5", "errors.gs1.path_incomplete", {"ai": "10"}),
    ("https://x.vn/01/9506000134352/21/5/10/A", "errors.gs1.path_order", {"ai": "10", "previous": "21"}),
    ("https://x.vn/01/9506000134352/10/A/10/B", "errors.gs1.path_order", {"ai": "10", "previous": "10"}),
    ("https://x.vn/01/9506000134352/22/V1/10/A", "errors.gs1.unsupported_ai", {"ai": "22", "supported": "01, 10, 21"}),
    ("https://x.vn/01/9506000134352?3103=000189", "errors.gs1.unsupported_ai",
     {"ai": "3103", "supported": "11, 13, 15, 16, 17, 7007"}),
    ("https://x.vn/01/9506000134352?10=A", "errors.gs1.misplaced_ai", {"ai": "10"}),
    ("https://x.vn/01/9506000134352?17=260101&exp=260102", "errors.gs1.duplicate_ai", {"ai": "17"}),
    ("https://x.vn/01/9506000134352?17=261301", "errors.gs1.bad_date", {"ai": "17", "value": "261301"}),
    ("https://x.vn/01/9506000134352?17=260230", "errors.gs1.bad_date", {"ai": "17", "value": "260230"}),
    ("https://x.vn/01/9506000134352?15=2601", "errors.gs1.bad_date", {"ai": "15", "value": "2601"}),
    ("https://x.vn/01/9506000134352?7007=2611", "errors.gs1.bad_date", {"ai": "7007", "value": "2611"}),
    ("https://x.vn/01/9506000134352/10/L%C3%B4", "errors.gs1.lot_bad_character",
     {"value": "Lô", "character": "'ô'", "position": 2}),
    ("https://x.vn/01/9506000134352/10/A%201", "errors.gs1.lot_bad_character",
     {"value": "A 1", "character": "' '", "position": 2}),
])
def test_parse_refusals(uri, key, values):
    with pytest.raises(GS1Problem) as caught:
        gs1.parse(uri, TODAY)
    assert (caught.value.key, caught.value.values) == (key, values)


@pytest.mark.parametrize("kwargs, key", [
    (dict(base="trace.example.vn", gtin="9506000134352"), "errors.gs1.base_url"),
    (dict(base="https://trace.example.vn?x=1", gtin="9506000134352"), "errors.gs1.base_url"),
    (dict(base="https://trace.example.vn#top", gtin="9506000134352"), "errors.gs1.base_url"),
    (dict(base="https://t.vn", gtin="9506000134352", dates={"3103": dt.date(2026, 1, 1)}), "errors.gs1.unsupported_ai"),
    (dict(base="https://t.vn", gtin="9506000134352", lot="Lô 1"), "errors.gs1.lot_bad_character"),
    (dict(base="https://t.vn", gtin="9506000134352", serial=""), "errors.gs1.serial_empty"),
])
def test_build_refusals(kwargs, key):
    with pytest.raises(GS1Problem) as caught:
        gs1.build(**kwargs)
    assert caught.value.key == key


ANCHOR = "https://trace.example.vn/01/09506000134352/10/A-2026-01"


def test_linkset_has_each_link_under_its_type_and_the_default_link():
    links = [
        gs1.Link("gs1:pip", "https://trace.example.vn/lots/12", "Trang lô hàng", "text/html", ("vi", "en")),
        gs1.Link("traceability", "https://trace.example.vn/lots/12.jsonld", "Truy xuất", "application/ld+json"),
        gs1.Link("https://gs1.org/voc/certificationInfo", "https://trace.example.vn/areas/VN-40-16708-0012",
                 "VietGAP", "text/html", default=False),
        gs1.Link("gs1:pip", "https://trace.example.vn/lots/12?lang=en", "Lot page", "text/html", ("en",), default=True),
        gs1.Link("https://example.org/rel/origin", "https://example.org/o/1", "Origin"),
    ]
    doc = gs1.linkset(ANCHOR, links, description="Cam Vinh")
    assert json.loads(json.dumps(doc, ensure_ascii=False)) == doc
    [context] = doc["linkset"]
    assert context["anchor"] == ANCHOR and context["description"] == "Cam Vinh"
    voc = "https://gs1.org/voc/"
    assert context[voc + "defaultLink"] == [{"href": "https://trace.example.vn/lots/12?lang=en", "title": "Lot page",
                                             "type": "text/html", "hreflang": ["en"]}]
    assert [t["href"] for t in context[voc + "pip"]] == ["https://trace.example.vn/lots/12",
                                                          "https://trace.example.vn/lots/12?lang=en"]
    assert context[voc + "pip"][0]["hreflang"] == ["vi", "en"]
    assert context[voc + "traceability"] == [{"href": "https://trace.example.vn/lots/12.jsonld",
                                              "title": "Truy xuất", "type": "application/ld+json"}]
    assert context[voc + "certificationInfo"][0]["title"] == "VietGAP"
    assert context["https://example.org/rel/origin"] == [{"href": "https://example.org/o/1", "title": "Origin"}]
    # RFC 9264: the members of a link context are the anchor and relation types only (+ GS1's description).
    for name, targets in context.items():
        if name not in ("anchor", "description"):
            assert name.startswith("https://") and all({"href", "title"} <= set(t) for t in targets)
    # No link marked default: the first one is.
    first = gs1.linkset(ANCHOR, links[:2])["linkset"][0]
    assert first[voc + "defaultLink"][0]["href"] == "https://trace.example.vn/lots/12"
    assert gs1.LINKSET_MEDIA_TYPE == "application/linkset+json"


@pytest.mark.parametrize("links, key", [
    ([], "errors.gs1.no_links"),
    ([gs1.Link("gs1:menu", "https://t.vn/a", "x")], "errors.gs1.link_type"),
    ([gs1.Link("pip", "https://t.vn/a", "x"), gs1.Link("gs1:", "https://t.vn/b", "y")], "errors.gs1.link_type"),
    ([gs1.Link("http://example.org/rel", "https://t.vn/a", "x")], "errors.gs1.link_type"),
    ([gs1.Link("gs1:pip", "/lots/12", "x")], "errors.gs1.link_href"),
    ([gs1.Link("gs1:pip", "javascript:alert(1)", "x")], "errors.gs1.link_href"),
    ([gs1.Link("gs1:pip", "https://t.vn/a", "x", default=True),
      gs1.Link("gs1:traceability", "https://t.vn/b", "y", default=True)], "errors.gs1.link_default"),
])
def test_linkset_refusals(links, key):
    with pytest.raises(GS1Problem) as caught:
        gs1.linkset(ANCHOR, links)
    assert caught.value.key == key


def test_every_refusal_has_english_words_and_is_exercised_here():
    source = Path(__file__).read_text("utf-8")
    for key, english in gs1.ENGLISH.items():
        assert key.startswith("errors.gs1.") and english, key
        assert f'"{key}"' in source, f"{key} is never provoked by a test"
    assert unquote(gs1.encode("A/B")) == "A/B"


def test_a_refusal_is_said_with_its_catalogue_key_for_the_api_to_translate():
    from geo.said import Said, said_of
    with pytest.raises(GS1Problem) as caught:
        gs1.validate_gtin("9506000134353")
    said = said_of(caught.value)
    assert isinstance(said, Said) and said.key == "errors.gs1.gtin_check_digit"
    assert said.values == {"value": "9506000134353", "given": 3, "expected": 2}
    assert str(said) == str(caught.value) == gs1.ENGLISH[said.key].format(**said.values)
