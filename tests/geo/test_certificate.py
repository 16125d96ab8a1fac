"""geo.pdf_map and geo.certificate: the map fits its box north up with a true scale, tiny areas are
ringed, the band's colour follows the status, the page says what it was given and nothing else."""
from __future__ import annotations

import io
import math

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from geo import certificate, pdf_map

AREA = (((105.0, 19.0), (105.01, 19.0), (105.012, 19.01), (105.0, 19.008), (105.0, 19.0)),
        ((105.003, 19.003), (105.006, 19.003), (105.006, 19.006), (105.003, 19.003)))  # with a hole
COMMUNE = (((104.95, 18.95), (105.1, 18.95), (105.1, 19.1), (104.95, 19.1), (104.95, 18.95)),)


def cert(status="granted", warning="", **over) -> certificate.Certificate:
    values = dict(lang="vi", title="GIẤY CHỨNG NHẬN MÃ SỐ VÙNG TRỒNG", code="VN-40-16708-0001", status=status,
                  status_text="Trạng thái ngày 05/12/2026: Đã cấp mã", warning=warning,
                  rows=(("Tên vùng trồng", "Vùng cam Xóm 3"), ("Diện tích", "12,5 ha")),
                  qr_url="https://ntm.example.vn/collections/growing_areas/items/12", qr_caption="Quét mã",
                  map_title="Vị trí", map_legend="Màu xanh: vùng trồng", scale_word="Tỷ lệ xấp xỉ",
                  footer="In từ ntm.example.vn", area_shape=(AREA,), commune_shape=(COMMUNE,))
    return certificate.Certificate(**{**values, **over})


def test_the_frame_holds_every_point_north_up_at_one_scale():
    frame = pdf_map.fit([(COMMUNE,), (AREA,)], 10, 20, 110, 88)
    points = [frame.point(lon, lat) for ring in COMMUNE + AREA for lon, lat in ring]
    assert all(10 <= x <= 120 and 20 <= y <= 108 for x, y in points)
    assert frame.point(105.0, 19.1)[1] < frame.point(105.0, 18.95)[1]  # north is up
    # 0.15° of latitude is 16.6 km on the ground; on paper it measures that times the scale.
    north, south = frame.point(105.0, 19.1)[1], frame.point(105.0, 18.95)[1]
    assert (south - north) / frame.mm_per_m == pytest.approx(0.15 * pdf_map.M_PER_DEG_LAT, rel=1e-9)
    # the same metres east and north measure the same on paper
    east = frame.point(104.95 + 1000 / (pdf_map.M_PER_DEG_LON * math.cos(math.radians(19.025))), 19.025)[0]
    assert east - frame.point(104.95, 19.025)[0] == pytest.approx(1000 * frame.mm_per_m, rel=1e-6)


@pytest.mark.parametrize("metres, nice", [(0.4, 1), (1, 1), (3.2, 2), (7, 5), (12, 10), (4999, 2000), (5000, 5000)])
def test_a_scale_bar_is_a_round_length_no_longer_than_asked(metres, nice):
    assert pdf_map.nice_length(metres) == nice
    assert pdf_map.length_text(2000) == "2 km" and pdf_map.length_text(500) == "500 m"


def test_a_tiny_area_in_a_big_commune_is_ringed_a_visible_one_is_not():
    pdf = FPDF(unit="mm")
    pdf.add_page()
    frame = pdf_map.fit([(COMMUNE,)], 0, 0, 100, 100)
    tiny = ((((105.02, 19.02), (105.0201, 19.02), (105.0201, 19.0201), (105.02, 19.02)),),)  # one polygon
    assert pdf_map.mark_if_small(pdf, frame, tiny, "#c62828")
    assert not pdf_map.mark_if_small(pdf, frame, (AREA,), "#c62828")
    assert not pdf_map.mark_if_small(pdf, frame, (), "#c62828")


def band_colours(pdf: bytes) -> bytes:
    return PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()


def test_the_band_is_green_for_a_granted_code_and_red_for_a_revoked_one():
    green = "{:.4f} {:.4f} {:.4f} rg".format(*(c / 255 for c in certificate.STATUS_COLOURS["granted"])).encode()
    red = "{:.4f} {:.4f} {:.4f} rg".format(*(c / 255 for c in certificate.STATUS_COLOURS["revoked"])).encode()
    granted = band_colours(certificate.render(cert()))
    revoked = band_colours(certificate.render(cert("revoked", "Mã số đã bị thu hồi.")))
    assert green in granted and red not in granted
    assert red in revoked and green not in revoked


def test_the_page_says_what_it_was_given_with_a_long_status_and_warning():
    long_status = "Trạng thái ngày 05/12/2026: Tạm đình chỉ " * 3
    warning = "Mã số đang bị tạm đình chỉ: trong thời gian này giấy này không chứng nhận vùng trồng. " * 3
    pdf = certificate.render(cert("suspended", warning, status_text=long_status))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for words in ("GIẤY CHỨNG NHẬN", "VN-40-16708-0001", "Vùng cam Xóm 3", "12,5 ha", "Tỷ lệ xấp xỉ 1:", "In từ"):
        assert words in text
    assert "tạm đình chỉ" in text.replace("\n", " ")


def test_a_certificate_without_shapes_still_prints():
    pdf = certificate.render(cert(area_shape=(), commune_shape=()))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
