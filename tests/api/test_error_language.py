"""The public API's refusals speak the language the request asks for (lang=, Accept-Language),
in words from the catalogue (errors.json, map.json), in the same JSON error shape; a client that
asks no language keeps the English it always had."""
from __future__ import annotations

import re

import pytest

from api.i18n import CATALOGUE

ITEMS = "/collections/households/items"
# (request, status, words of the Vietnamese answer, words of the English answer)
CASES = [
    (f"{ITEMS}?bbox=1,2,3", 400, "bbox: hộp giới hạn không hợp lệ", "bbox: bbox needs 4 numbers"),
    (f"{ITEMS}?bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326", 400, "Có bbox-crs nhưng thiếu bbox",
     "bbox-crs was given without a bbox"),
    (f"{ITEMS}?limit=0", 400, "limit: phải là số lớn hơn hoặc bằng 1",
     "limit: Input should be greater than or equal to 1"),
    (f"{ITEMS}?limit=many", 400, "limit: phải là số nguyên", "limit: Input should be a valid integer"),
    (f"{ITEMS}?datetime=2025-13-45", 400, "datetime: giá trị '2025-13-45' không phải ngày",
     "datetime: value '2025-13-45' is not an RFC 3339 date"),
    (f"{ITEMS}?datetime=1800-01-01/..", 400, "datetime: đầu khoảng 1800-01-01 nằm ngoài",
     "datetime: start 1800-01-01 is outside the dates"),
    (f"{ITEMS}?datetime=2025-06-30/2025-01-01", 400, "kết thúc trước khi bắt đầu", "ends before it starts"),
    (f"{ITEMS}?datetime=..", 400, "chỉ dùng được cho một đầu", "is only allowed as one end"),
    (f"{ITEMS}?filter=(((", 400, "filter: biểu thức lọc CQL2 không hợp lệ", "filter: "),
    (f"{ITEMS}?crs=http://www.opengis.net/def/crs/EPSG/0/9999", 400, "crs: không hỗ trợ hệ tọa độ",
     "crs: unsupported CRS"),
    (f"{ITEMS}?sortby=nothing_here", 400, "sortby: lớp households không có thuộc tính 'nothing_here'",
     "sortby: unknown property 'nothing_here' of households"),
    (f"{ITEMS}?f=xml", 400, "Không có định dạng f='xml'", "unknown format f='xml'"),
    ("/collections?f=xml", 400, "Không có định dạng f='xml'", "unknown format f='xml'"),
    (f"{ITEMS}?color=red", 400, "Tham số truy vấn không được nhận: 'color'", "unknown query parameter 'color'"),
    ("/collections/nowhere/items", 404, "Không có lớp dữ liệu 'nowhere'", "unknown layer 'nowhere'"),
    (f"{ITEMS}/999999999", 404, "Không có đối tượng số 999999999 trong lớp households",
     "no feature 999999999 in households"),
    ("/no/such/page", 404, "Không có tài nguyên nào tại /no/such/page", "no resource at /no/such/page"),
    ("/tourism?kind=castle", 400, "kind: không có loại hình điểm du lịch “castle”", "kind: unknown kind of place “castle”"),
    ("/tourism?commune=abc", 400, "commune: mã xã gồm 5 chữ số", "commune: a commune code is 5 digits"),
    ("/tourism/cards?kind=castle", 400, "kind: không có loại hình", "kind: unknown kind of place"),
    ("/search?q=%20", 400, "q: hãy nhập tên", "q: give a name"),
    ("/search?q=ha&limit=99", 400, "limit: phải từ 1 đến 50, nhận được 99", "limit: must be between 1 and 50, got 99"),
    ("/search?q=ha&kind=castle", 400, "kind: không có loại 'castle'", "kind: unknown value 'castle'"),
    ("/collections/households?f=csv", 400, "Lớp dữ liệu được mô tả dạng f=json", "a collection is described as f=json"),
    (f"{ITEMS}/1?f=csv", 400, "Một đối tượng có ở dạng f=json", "a single feature is available as f=json"),
    ("/opendata/catalog?f=xml", 400, "Không có định dạng f='xml'", "unknown format f='xml'"),
    ("/tiles/WebMercatorQuad/25/0/0", 400, "Mức ma trận ô (zoom) 25 nằm ngoài WebMercatorQuad: dùng 0..24",
     "tile matrix (zoom) 25 is outside WebMercatorQuad: use 0..24"),
    ("/collections/communes/tiles/WebMercatorQuad/3/8/0", 400, "x phải trong 0..7 và y trong 0..7",
     "x must be 0..7 and y 0..7"),
    ("/tileMatrixSets/WorldCRS84Quad", 404, "Không có tập ma trận ô 'WorldCRS84Quad'",
     "unknown tile matrix set 'WorldCRS84Quad'"),
    ("/collections/nope/tiles", 404, "Không có lớp dữ liệu 'nope'", "unknown layer 'nope'; known layers: provinces"),
]


def ask(client, url: str, **headers):
    return client.get(url, headers={"Accept": "application/json", **headers})


def with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


@pytest.mark.parametrize("url,status,vi,en", CASES, ids=[c[0] for c in CASES])
def test_refusals_follow_lang_in_the_json_error_shape(reader, url, status, vi, en):
    answers = {}
    for lang, words in (("vi", vi), ("en", en)):
        r = ask(reader, with_lang(url, lang))
        body = r.json()
        assert r.status_code == status and set(body) == {"code", "description", "status"}, body
        assert body["status"] == status and words in body["description"], (lang, body)
        answers[lang] = body["description"]
    assert answers["vi"] != answers["en"]


@pytest.mark.parametrize("url,status,vi,en", CASES[:6], ids=[c[0] for c in CASES[:6]])
def test_accept_language_chooses_too_and_no_language_keeps_english(reader, url, status, vi, en):
    assert vi in ask(reader, url, **{"Accept-Language": "vi-VN,vi;q=0.9"}).json()["description"]
    assert en in ask(reader, url, **{"Accept-Language": "en-GB,en;q=0.8"}).json()["description"]
    assert en in ask(reader, url).json()["description"]


def test_a_vietnamese_refusal_is_written_in_vietnamese():
    """Every API refusal has its own Vietnamese sentence, not the English one copied (a code or a
    parameter name may appear in both)."""
    refusals = {k: v for k, v in CATALOGUE.entries.items() if k.startswith("errors.api.")}
    assert len(refusals) > 30
    for key, (vi, en) in refusals.items():
        assert vi != en, key


def test_an_unknown_language_is_refused_in_the_one_accept_language_asks_for(reader):
    r = ask(reader, "/collections?lang=fr", **{"Accept-Language": "vi"})
    assert r.status_code == 400 and r.json()["description"] == "Không có ngôn ngữ lang='fr'; dùng vi hoặc en"
    assert ask(reader, "/collections?lang=fr").json()["description"] == "unknown language lang='fr'; use vi or en"


def test_no_placeholder_is_named_like_an_argument_of_t():
    """t(key, lang, **values): a {lang} or {key} placeholder would be a TypeError, a 500."""
    for key, (vi, _) in CATALOGUE.entries.items():
        assert not re.search(r"\{(lang|key)\}", vi), key


def test_a_429_keeps_its_retry_after_and_speaks_the_language_asked():
    """The client-slot refusal (api.http.limits), written as api.errors writes it for any request."""
    from api.errors import for_exception
    from api.i18n.refusal import Refusal

    refusal = Refusal(429, "errors.api.too_many", headers={"Retry-After": "2"}, cap=2)
    for query, words in ((b"lang=vi", "quá nhiều yêu cầu nặng cùng lúc (tối đa 2"), (b"", "at most 2")):
        response = for_exception(refusal, {"type": "http", "path": "/search", "query_string": query, "headers": []})
        assert response.status_code == 429 and response.headers["Retry-After"] == "2"
        assert words in response.body.decode("utf-8")
