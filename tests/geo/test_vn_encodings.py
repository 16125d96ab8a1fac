"""Tests for geo.vn_encodings: legacy Vietnamese encodings in old shapefiles."""

import random
import unicodedata

import pytest

from geo import vn_encodings as vn
from geo.vn_encodings import (
    SUPPORTED,
    UnknownEncodingError,
    decode,
    decode_tcvn3,
    decode_vni,
    detect_encoding,
    encode_tcvn3,
    encode_vni,
    from_latin1,
)

TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # grave hook tilde acute dot


def _all_letters():
    """The 134 letters with diacritics, built independently of the module."""
    lower = {"đ"}
    for base in "aăâeêioôơuưy":
        if not base.isascii():
            lower.add(base)
        lower.update(unicodedata.normalize("NFC", base + tone) for tone in TONES)
    return sorted(lower), sorted(c.upper() for c in lower)


LOWER, UPPER = _all_letters()
ALL_LETTERS = LOWER + UPPER
TCVN3_CAPITALS = ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"]  # the only capitals VN3 has
TONED_CAPITALS = [c for c in UPPER if c not in TCVN3_CAPITALS]


def encode_cp1258(text: str) -> bytes:
    """Write cp1258 precomposed where the code page has the letter, otherwise
    as base letter + combining tone mark (Python's codec alone cannot encode
    e.g. "ạ")."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        out += (base + tones).encode("cp1258")
    return bytes(out)


ENCODERS = {
    # Capitals with tone marks are written with the lowercase code, as in
    # VBKey's TCVN3 table (VN3 has no codes for them).
    "tcvn3": lambda text: encode_tcvn3(text, fold_capitals=True),
    "vni": encode_vni,
    "cp1258": encode_cp1258,
}

BRIEF_NAMES = [
    "Xã Nghĩa Đàn",
    "Thôn Đồng Tâm",
    "Bản Hoa Tiến",
    "Hợp tác xã Cam Vinh",
    "Nguyễn Thị Hường",
    "cà phê",
    "Quỳnh Lưu",
    "Tương Dương",
    "Kỳ Sơn",
    "Diễn Châu",
    "trường học",
    "Ủy ban nhân dân",
]


# --------------------------------------------------------------------------
# The repertoire
# --------------------------------------------------------------------------


def test_repertoire_has_134_letters():
    assert len(LOWER) == 67 and len(UPPER) == 67
    assert vn.VIETNAMESE_LETTERS == frozenset(ALL_LETTERS)


# --------------------------------------------------------------------------
# Known byte values from the public tables
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        # libiconv tcvn.h (0xB8 -> U+00E1, 0xAE -> U+0111, 0xF5 -> U+1EEB,
        # 0xA7 -> U+0110) and xvnkb tcvn.h / duydev charsets agree.
        (b"\xb8", "á"),
        (b"\xae", "đ"),
        (b"\xa7", "Đ"),
        (b"\xf5", "ừ"),
        (b"\xad", "ư"),
        (b"\xca", "ấ"),
        (b"\xdc", "ĩ"),
        (b"\xfe", "ỵ"),
        # Whole names as they look in .VnTime data.
        (b"Ngh\xdca \xa7\xb5n", "Nghĩa Đàn"),
        (b"B\xb6o Th\xbeng", "Bảo Thắng"),
        (b"M\xad\xeang Kh\xad\xacng", "Mường Khương"),
        (b"B\xb8t X\xb8t", "Bát Xát"),
    ],
)
def test_decode_tcvn3_known_bytes(raw, expected):
    assert decode_tcvn3(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        # xvnkb vni.h, duydev charsets and VBKey agree on these.
        (b"\xf1", "đ"),
        (b"\xd1", "Đ"),
        (b"o\xe2", "ô"),
        (b"\xf4", "ơ"),
        (b"\xf6\xf8", "ừ"),  # "ö" + "ø": ư + grave
        (b"\xd6\xd9", "Ứ"),
        (b"a\xe9", "ắ"),
        (b"A\xcb", "Ặ"),
        (b"\xee", "ỵ"),
        (b"\xc6", "Ỉ"),
        # The example in the vietnamese-conversion README.
        ("Xin chaøo caùc baïn".encode("latin-1"), "Xin chào các bạn"),
    ],
)
def test_decode_vni_known_bytes(raw, expected):
    assert decode_vni(raw) == expected


# Every byte 0xA1-0xFF in order, transcribed from libiconv's tcvn.h
# (tcvn_2uni_2) and cross-checked with xvnkb tcvn.h. "?" marks the positions
# VN1 uses for capitals with tone marks / combining marks, absent from VN3.
TCVN3_A1_FF = (
    "ĂÂÊÔƠƯĐăâêôơưđ"  # A1-AE
    "??????"  # AF-B4
    "àảãáạ?ằẳẵắ"  # B5-BE
    "???????"  # BF-C5
    "ặầẩẫấậè?ẻẽéẹềểễếệìỉ"  # C6-D8
    "???ĩíịò?ỏõóọồổỗốộờởỡớợù"  # D9-EF
    "?ủũúụừửữứựỳỷỹýỵ?"  # F0-FF
)


def test_tcvn3_whole_upper_half():
    assert len(TCVN3_A1_FF) == 0xFF - 0xA1 + 1
    expected = TCVN3_A1_FF.replace("?", "\ufffd")
    assert decode_tcvn3(bytes(range(0xA1, 0x100))) == expected
    assert decode_tcvn3(bytes(range(0x80, 0xA0))) == "\ufffd" * 32
    assert decode_tcvn3(bytes(range(0x80))) == "".join(map(chr, range(0x80)))


# VNI: letters (tones in the order sắc, huyền, hỏi, ngã, nặng) and their bytes
# shown as Latin-1, transcribed from xvnkb vni.h and checked against
# duydev/vietnamese-conversion and VBKey. Capitals are the Latin-1 capitals
# of the same strings (VNI's capital modifiers are the lowercase ones - 0x20).
VNI_ROWS = {
    "á à ả ã ạ": "aù aø aû aõ aï",
    "â ấ ầ ẩ ẫ ậ": "aâ aá aà aå aã aä",
    "ă ắ ằ ẳ ẵ ặ": "aê aé aè aú aü aë",
    "é è ẻ ẽ ẹ": "eù eø eû eõ eï",
    "ê ế ề ể ễ ệ": "eâ eá eà eå eã eä",
    "í ì ỉ ĩ ị": "í ì æ ó ò",
    "ó ò ỏ õ ọ": "où oø oû oõ oï",
    "ô ố ồ ổ ỗ ộ": "oâ oá oà oå oã oä",
    "ơ ớ ờ ở ỡ ợ": "ô ôù ôø ôû ôõ ôï",
    "ú ù ủ ũ ụ": "uù uø uû uõ uï",
    "ư ứ ừ ử ữ ự": "ö öù öø öû öõ öï",
    "ý ỳ ỷ ỹ ỵ": "yù yø yû yõ î",
    "đ": "ñ",
}
VNI_REFERENCE = {}
for _letters, _codes in VNI_ROWS.items():
    for _letter, _code in zip(_letters.split(), _codes.split(), strict=True):
        VNI_REFERENCE[_letter] = _code.encode("latin-1")
        VNI_REFERENCE[_letter.upper()] = _code.upper().encode("latin-1")


def test_vni_reference_covers_every_letter():
    assert sorted(VNI_REFERENCE) == sorted(ALL_LETTERS)


@pytest.mark.parametrize("letter", ALL_LETTERS)
def test_vni_matches_reference_table(letter):
    assert encode_vni(letter) == VNI_REFERENCE[letter]
    assert decode_vni(VNI_REFERENCE[letter]) == letter


def test_encode_matches_published_examples():
    assert encode_vni("Xin chào các bạn") == "Xin chaøo caùc baïn".encode("latin-1")
    assert encode_tcvn3("Nghĩa Đàn") == b"Ngh\xdca \xa7\xb5n"


# --------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------


@pytest.mark.parametrize("letter", ALL_LETTERS)
def test_vni_round_trips_every_letter(letter):
    raw = encode_vni(letter)
    assert 1 <= len(raw) <= 2
    assert decode_vni(raw) == letter


def test_vni_round_trips_all_letters_in_one_string():
    text = " ".join(ALL_LETTERS) + "".join(ALL_LETTERS)
    assert decode_vni(encode_vni(text)) == text


@pytest.mark.parametrize("letter", LOWER + TCVN3_CAPITALS)
def test_tcvn3_round_trips_every_letter_it_has(letter):
    raw = encode_tcvn3(letter)
    assert len(raw) == 1
    assert decode_tcvn3(raw) == letter


def test_tcvn3_letters_have_distinct_codes():
    codes = [encode_tcvn3(c) for c in LOWER + TCVN3_CAPITALS]
    assert len(set(codes)) == 74


@pytest.mark.parametrize("letter", TONED_CAPITALS)
def test_tcvn3_capitals_with_tone_marks(letter):
    with pytest.raises(ValueError, match=letter):
        encode_tcvn3(letter)
    folded = encode_tcvn3(letter, fold_capitals=True)
    assert folded == encode_tcvn3(letter.lower())
    assert decode_tcvn3(folded) == letter.lower()


def test_round_trip_realistic_text():
    text = "Ủy ban nhân dân xã Nghĩa Đàn, Quỳnh Lưu - Nghệ An (2004)"
    assert decode_vni(encode_vni(text)) == text
    assert decode_tcvn3(encode_tcvn3(text, fold_capitals=True)) == "ủy" + text[2:]


def test_encoders_accept_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hường")
    assert encode_vni(decomposed) == encode_vni("Nguyễn Thị Hường")
    assert encode_tcvn3(decomposed) == encode_tcvn3("Nguyễn Thị Hường")


@pytest.mark.parametrize("encoder", [encode_vni, encode_tcvn3])
@pytest.mark.parametrize("char", ["©", "ü", "Ж", "€"])
def test_unrepresentable_characters_raise_naming_them(encoder, char):
    with pytest.raises(ValueError, match=char):
        encoder(f"ab{char}cd")


# --------------------------------------------------------------------------
# Undefined bytes
# --------------------------------------------------------------------------


def test_tcvn3_bytes_outside_vn3_are_replaced_or_raise():
    # 0x80 is "À" and 0xB0 a combining grave in VN1, but VN3 leaves them out.
    assert decode_tcvn3(b"a\x80b\xb0") == "a\ufffdb\ufffd"
    with pytest.raises(UnicodeDecodeError):
        decode_tcvn3(b"a\x80b", errors="strict")


def test_vni_modifier_without_a_base_is_not_passed_through():
    # 0xF9 is the acute modifier; after "b" it modifies nothing. Passing it
    # through as "ù" would look like valid Vietnamese.
    assert decode_vni(b"b\xf9") == "b\ufffd"
    with pytest.raises(UnicodeDecodeError):
        decode_vni(b"b\xf9", errors="strict")


def test_vni_accepts_mixed_case_modifier():
    assert decode_vni(b"A\xf9") == "Á"
    assert decode_vni(b"a\xd9") == "á"


def test_invalid_errors_argument():
    with pytest.raises(ValueError):
        decode_vni(b"a", errors="ignore")


# --------------------------------------------------------------------------
# from_latin1 and decode
# --------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
@pytest.mark.parametrize("text", BRIEF_NAMES)
def test_from_latin1_recovers_text(encoding, text):
    raw = ENCODERS[encoding](text)
    gdal_text = raw.decode("latin-1")  # what GDAL hands over
    expected = text if encoding != "tcvn3" else text.replace("Ủ", "ủ")
    assert from_latin1(gdal_text, encoding) == expected


def test_from_latin1_utf8():
    assert from_latin1("Xã Nghĩa Đàn".encode("utf-8").decode("latin-1"), "utf-8") == "Xã Nghĩa Đàn"


def test_cp1258_result_is_nfc():
    # cp1258 spells "ĩ" as "i" + combining tilde (0xDE), "ệ" as "ê" + dot (0xF2).
    result = from_latin1(b"Ngh\x69\xdea Vi\xea\xf2t".decode("latin-1"), "cp1258")
    assert result == "Nghĩa Việt"
    assert unicodedata.is_normalized("NFC", result)
    assert len(result) == 10


def test_from_latin1_rejects_text_not_from_latin1():
    with pytest.raises(ValueError, match="Latin-1"):
        from_latin1("Nghĩa", "tcvn3")


def test_unsupported_encoding():
    with pytest.raises(ValueError, match="tcvn3"):
        from_latin1("abc", "koi8-r")


def test_decode_accepts_aliases():
    assert SUPPORTED == ("utf-8", "tcvn3", "vni", "cp1258")
    assert decode(b"\xa7\xb5n", "ABC") == decode(b"\xa7\xb5n", "tcvn3") == "Đàn"
    assert decode(b"\xd0a\xccn", "windows-1258") == "Đàn"
    assert decode("Đàn".encode(), "UTF8") == "Đàn"


# --------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------

REALISTIC = [
    "Xã Nghĩa Đàn",
    "Thôn Đồng Tâm",
    "Bản Hoa Tiến",
    "HTX Cam Vinh",
    "Nguyễn Thị Hường",
    "Đất trồng lúa",
    "Khu du lịch sinh thái",
    "Trạm y tế",
    "Xom 3",
    "",
    "Nhà văn hóa thôn 5",
    "Vùng trồng cà phê",
]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_detect_realistic_sample_list(encoding):
    samples = [ENCODERS[encoding](s) for s in REALISTIC]
    assert detect_encoding(samples) == encoding


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_detect_brief_names_together(encoding):
    assert detect_encoding([ENCODERS[encoding](s) for s in BRIEF_NAMES]) == encoding


@pytest.mark.parametrize("case", [str, str.upper, str.lower], ids=["as-is", "upper", "lower"])
@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
@pytest.mark.parametrize("name", BRIEF_NAMES)
def test_detect_single_short_name(name, encoding, case):
    assert detect_encoding([ENCODERS[encoding](case(name))]) == encoding


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_detect_short_mixed_case_samples(encoding):
    samples = ["XÃ NGHĨA ĐÀN", "cà phê", "Kỳ Sơn", "Mía", "QUỲNH LƯU"]
    assert detect_encoding([ENCODERS[encoding](s) for s in samples]) == encoding


# Single names whose wrong readings are themselves made of Vietnamese letters,
# so telling them apart needs the syllable rules (tone position, which finals
# follow which vowels, one tone per syllable, spelling of ngh/gh).
HARD_SINGLE_NAMES = [
    ("Tỉnh Nghệ An", "vni"),
    ("Quế Phong", "vni"),
    ("Vĩnh Long", "vni"),
    ("Nghi Lộc", "vni"),
    ("nghĩa trang", "vni"),
    ("Lạng Sơn", "vni"),
    ("Bến Tre", "vni"),
    ("Vũ Thị Lan", "cp1258"),
    ("Chi nhánh", "cp1258"),
    ("Cần Thơ", "cp1258"),
    ("chợ", "cp1258"),
    ("Công ty cổ phần", "cp1258"),
    ("Văn phòng", "cp1258"),
    ("Quảng Ninh", "cp1258"),
    ("Quốc lộ 1A", "cp1258"),
    ("Khu du lịch sinh thái", "cp1258"),
    ("Đắk Lắk", "tcvn3"),
    ("Bắc Kạn", "tcvn3"),
    ("Khuyến nông", "tcvn3"),
]


@pytest.mark.parametrize("name, encoding", HARD_SINGLE_NAMES)
def test_detect_hard_single_names(name, encoding):
    assert detect_encoding([ENCODERS[encoding](name)]) == encoding


def test_single_word_can_be_ambiguous():
    # 0xF4 is "ụ" in TCVN3, "ơ" in VNI and "ô" in cp1258: all three readings
    # are syllables, so one such word cannot decide; ties go to SUPPORTED order.
    raw = b"S\xf4n"
    assert [decode(raw, enc) for enc in ("tcvn3", "vni", "cp1258")] == ["Sụn", "Sơn", "Sôn"]
    assert detect_encoding([raw]) == "tcvn3"
    # A second value settles it.
    assert detect_encoding([raw, encode_vni("Kỳ Sơn")]) == "vni"


def test_detect_cp1258_written_fully_decomposed():
    # Some converters never use cp1258's precomposed toned letters.
    def decomposed_cp1258(text):
        out = bytearray()
        for ch in unicodedata.normalize("NFC", text):
            nfd = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in nfd if c in TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
            out += (base + tones).encode("cp1258")
        return bytes(out)

    samples = [decomposed_cp1258(s) for s in BRIEF_NAMES]
    assert samples[0] == b"Xa\xde Nghi\xdea \xd0a\xccn"
    assert detect_encoding(samples) == "cp1258"
    assert [decode(s, "cp1258") for s in samples] == BRIEF_NAMES


def test_wrong_readings_really_differ():
    # Guards the detection tests: if decoders agreed, detection would be moot.
    raw = encode_vni("Nghĩa Đàn")
    assert decode_tcvn3(raw) != "Nghĩa Đàn"
    assert decode(raw, "cp1258") != "Nghĩa Đàn"
    raw = encode_tcvn3("Nghĩa Đàn")
    assert decode_vni(raw) != "Nghĩa Đàn"
    assert decode(raw, "cp1258") != "Nghĩa Đàn"


def test_detect_ascii():
    assert detect_encoding([b"Nghia Dan", b"Xa 3", b""]) == "ascii"
    assert detect_encoding([]) == "ascii"


def test_detect_utf8():
    samples = [s.encode("utf-8") for s in BRIEF_NAMES] + [b"plain"]
    assert detect_encoding(samples) == "utf-8"


def test_detect_ignores_none_and_rejects_str():
    assert detect_encoding([None, encode_vni("Diễn Châu")]) == "vni"
    with pytest.raises(TypeError, match="latin-1"):
        detect_encoding(["Diễn Châu"])


def test_random_binary_is_unknown():
    rng = random.Random(1258)
    samples = [bytes(rng.randrange(256) for _ in range(40)) for _ in range(20)]
    with pytest.raises(UnknownEncodingError) as info:
        detect_encoding(samples)
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    for name in ("utf-8", "tcvn3", "vni", "cp1258", "--encoding"):
        assert name in message


def test_control_characters_mean_binary():
    # "Sơn" in TCVN3 surrounded by control bytes is not a text field...
    with pytest.raises(UnknownEncodingError):
        detect_encoding([b"\x01\x02 S\xacn \x03\x04"])
    # ...but NUL padding, as DBF writers leave it, is harmless.
    assert detect_encoding([b"S\xacn La\x00\x00\x00"]) == "tcvn3"


def test_non_vietnamese_latin1_is_unknown():
    samples = [s.encode("latin-1") for s in ("Müller Straße", "Café crème", "Ålesund")]
    with pytest.raises(UnknownEncodingError):
        detect_encoding(samples)
