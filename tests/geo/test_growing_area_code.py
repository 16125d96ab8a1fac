import pytest

from geo.growing_area_code import DEFAULT_SCHEME, CodeScheme


def test_default_format_parse_round_trip():
    code = DEFAULT_SCHEME.format(province="40", commune="16708", serial=12)
    assert code == "VN-40-16708-0012"
    assert DEFAULT_SCHEME.parse(code) == {"province": "40", "commune": "16708", "serial": 12}
    # The serial grows past its padding rather than wrapping.
    big = DEFAULT_SCHEME.format(province="40", commune="16708", serial=123456)
    assert big == "VN-40-16708-123456"
    assert DEFAULT_SCHEME.parse(big)["serial"] == 123456


def test_int_admin_codes_are_zero_padded():
    assert DEFAULT_SCHEME.format(province=1, commune=4, serial=1) == "VN-01-00004-0001"


def test_counter_scope():
    assert DEFAULT_SCHEME.counter_scope(province="40", commune="16708") == "VN-40-16708"
    scheme = CodeScheme("{serial:05d}/{crop}-{year}")
    assert scheme.counter_scope(crop="SR", year=2025) == "SR-2025"
    middle = CodeScheme("VN-{crop}-{serial}-{year}")
    assert middle.counter_scope(crop="SR", year=2025) == "VN-SR-2025"
    # Different scope values give different scopes; the serial does not enter the scope.
    assert DEFAULT_SCHEME.counter_scope(province="40", commune="16709") != "VN-40-16708"


def test_custom_template_with_crop_and_year():
    scheme = CodeScheme("VN-{province}-{crop}-{year}-{serial:03d}")
    code = scheme.format(province="79", commune=None, crop="SR", year=2025, serial=7)
    assert code == "VN-79-SR-2025-007"
    assert scheme.parse(code) == {"province": "79", "crop": "SR", "year": 2025, "serial": 7}
    assert scheme.counter_scope(province="79", crop="SR", year=2025) == "VN-79-SR-2025"


def test_compact_template_without_separators():
    scheme = CodeScheme("VN{province}{commune}{serial:04d}")
    code = scheme.format(province="40", commune="16708", serial=12345)
    assert code == "VN401670812345"
    assert scheme.parse(code) == {"province": "40", "commune": "16708", "serial": 12345}


def test_district_may_be_empty():
    scheme = CodeScheme("VN-{province}-{district}-{commune}-{serial:04d}")
    old = scheme.format(province="40", district="412", commune="16708", serial=3)
    new = scheme.format(province="40", commune="16708", serial=3)
    assert old == "VN-40-412-16708-0003"
    assert new == "VN-40--16708-0003"
    assert scheme.parse(old)["district"] == "412"
    assert scheme.parse(new)["district"] == ""
    assert scheme.counter_scope(province="40", commune="16708") == "VN-40--16708"


@pytest.mark.parametrize(
    "template, message",
    [
        ("VN-{province}-{commune}", "no {serial}"),
        ("VN-{province}-{ward}-{serial}", "unknown placeholder {ward}"),
        ("VN-{province.x}-{serial}", "unknown placeholder"),
        ("VN-{province}-{province}-{serial}", "twice"),
        ("VN-{province!r}-{serial}", "conversion"),
        ("VN-{province:>3}-{serial}", "format spec"),
        ("VN-{province}-{serial:4d}", "serial format"),
        ("VN-{province}-{serial", "malformed"),
        ("VN-{district}{serial:04d}", "ambiguous"),
    ],
)
def test_invalid_templates(template, message):
    with pytest.raises(ValueError, match=message):
        CodeScheme(template)


def test_validate_on_valid_template():
    CodeScheme("{crop}{serial}").validate()
    DEFAULT_SCHEME.validate()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(province="4", commune="16708", serial=1), "province must be 2 digits"),
        (dict(province="401", commune="16708", serial=1), "province must be 2 digits"),
        (dict(province="40", commune="1670", serial=1), "commune must be 5 digits"),
        (dict(province="40", commune="1670A", serial=1), "commune must be 5 digits"),
        (dict(province="\u0664\u0660", commune="16708", serial=1), "province must be 2 digits"),
        (dict(commune="16708", serial=1), "province is required"),
        (dict(province="40", commune="16708", serial=-1), "serial"),
        (dict(province="40", commune="16708", serial="12"), "serial"),
        (dict(province="40", commune="16708"), "serial"),
    ],
)
def test_format_rejects_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DEFAULT_SCHEME.format(**kwargs)


def test_crop_and_year_shapes():
    scheme = CodeScheme("VN-{crop}-{year}-{serial}")
    with pytest.raises(ValueError, match="crop"):
        scheme.format(crop="sr", year=2025, serial=1)
    with pytest.raises(ValueError, match="crop"):
        scheme.format(crop="SẦU", year=2025, serial=1)
    with pytest.raises(ValueError, match="crop is required"):
        scheme.format(year=2025, serial=1)
    with pytest.raises(ValueError, match="year must be 4 digits"):
        scheme.format(crop="SR", year=25, serial=1)
    with pytest.raises(ValueError, match="district"):
        CodeScheme("{district}-{serial}").format(district="12", serial=1)


@pytest.mark.parametrize(
    "code",
    ["VN-40-16708", "VN-40-16708-12", "VN-40-16708-00012", "VN-4-16708-0012", "XX-40-16708-0012", "vn-40-16708-0012"],
)
def test_parse_rejects_non_matching_codes(code):
    with pytest.raises(ValueError):
        DEFAULT_SCHEME.parse(code)
