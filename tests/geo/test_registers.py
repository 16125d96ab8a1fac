"""Register files and village matching, pure (issue 16): names as registers spell them match
the right village, numbers never drift, ties are ambiguous; headers found by their usual names;
cells written back safe from spreadsheet formulas."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from geo import registers
from geo.village_match import VillageMatcher, fold, split_kind

VILLAGES = [(1, "Xóm 5"), (2, "Xóm 15"), (3, "Thôn Đồng Tâm"), (4, "Bản Na Lạc"), (5, "Thôn 5"), (6, "Khối 1"),
            (7, "Ấp Bình Hòa")]


@pytest.mark.parametrize("typed,village", [
    ("Xóm 5", 1), ("xom 5", 1), ("XÓM 05", 1), ("Xom5", 1), ("xóm  5", 1), ("Xo\u0301m 5", 1),  # combining accent
    ("Dong Tam", 3), ("thon dong tam", 3), ("Thôn Đồng Tâm", 3), ("Dong Tamm", 3), ("Tâm Đồng", 3),
    ("ban na lac", 4), ("Na Lạc", 4), ("bản Nà Lạc", 4), ("thon 5", 5), ("Khoi 1", 6), ("Khối 01", 6),
    ("ap binh hoa", 7), ("Bình Hoà", 7),
])
def test_spellings_match_the_right_village(typed, village):
    assert VillageMatcher(VILLAGES).match(typed).village_id == village


@pytest.mark.parametrize("typed,how", [("Xóm 16", "none"), ("Xóm 51", "none"), ("5", "ambiguous"), ("", "empty"),
                                       (None, "empty"), ("Đồng Tâm Thượng", "none"), ("Bản Pù Mát", "none")])
def test_numbers_never_drift_and_ties_are_not_guessed(typed, how):
    found = VillageMatcher(VILLAGES).match(typed)
    assert found.how == how and found.village_id is None
    if how == "ambiguous":
        assert found.candidates == (1, 5)


def test_keys_fold_diacritics_kinds_and_zeros():
    assert fold("Đường  Hồ-Chí Minh") == "duong ho chi minh"
    assert split_kind("Tổ dân phố 03") == ("to dan pho", "3")
    assert split_kind("Thôn") == ("", "thon")  # a name that is only a kind keeps it


def test_headers_are_found_by_their_usual_names():
    found = registers.header_map(["STT", "Thôn, xóm", "Họ và tên chủ hộ", "Nhân khẩu", "SĐT", "Địa chỉ", "CCCD/CMND"])
    assert found == {"village": 1, "head_name": 2, "members": 3, "phone": 4, "address_text": 5, "national_id": 6}
    with pytest.raises(registers.RegisterProblem, match="no village column"):
        registers.header_map(["Họ tên", "SĐT"])


def test_row_values_put_back_lost_leading_zeros():
    values = registers.row_values(["Xóm 5", "A", "4 người", "912345678", "", "40085001234"],
                                  registers.header_map(list(registers.TEMPLATE_HEADER)))
    assert values == {"village_text": "Xóm 5", "head_name": "A", "members": 4, "phone": "0912345678",
                      "address_text": None, "national_id": "040085001234"}


def test_written_back_cells_never_run_as_formulas():
    rows = [(["Xóm 5", "=cmd|' /C calc'!A0"], "no point")]
    back = list(csv.reader(io.StringIO(registers.write_csv(["Thôn", "Chủ hộ"], rows, "utf-8").decode())))
    assert back == [["Thôn", "Chủ hộ", "reason"], ["Xóm 5", "'=cmd|' /C calc'!A0", "no point"]]
    sheet = load_workbook(io.BytesIO(registers.write_xlsx(["Thôn", "Chủ hộ"], rows))).worksheets[0]
    cell = sheet["B2"]
    assert cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s"


def test_the_template_has_the_six_columns_in_both_formats():
    sheet = load_workbook(io.BytesIO(registers.template("xlsx"))).worksheets[0]
    assert [c.value for c in sheet[1]] == list(registers.TEMPLATE_HEADER)
    assert sheet["D2"].value == "0912345678"  # text, its 0 kept
    header = next(csv.reader(io.StringIO(registers.template("csv").decode("utf-8-sig"))))
    assert header == list(registers.TEMPLATE_HEADER)
    assert set(registers.header_map(header)) == set(registers.FIELDS)
