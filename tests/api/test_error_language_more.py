"""More refusals in the language asked (issue 21), after tests/api/test_error_language.py: the CQL2
filter's own mistakes, bbox corner cases, search, authentication and authorisation, raster
statistics, map files, the open-data catalog's 406 and the middleware's answers. Each case: the
Vietnamese answer's words and the English answer's words; a client asking no language keeps the
English text it always had, which is the lower layer's own (geo.said.Said) word for word."""
from __future__ import annotations

import json
import re
from urllib.parse import quote, unquote

import pytest

from api.i18n import CATALOGUE
from api.i18n.refusal import render
from geo import ogc_crs
from geo.said import Said, said_of
from layers.read import cql
from layers.read.features import check_filter
from layers.read.registry import get as get_layer
from layers.db.engines import connection
from layers.write.accounts import create_user, issue_token
from tests.api.test_error_language import CASES as EARLIER_CASES

AREAS = "/collections/growing_areas/items"


def filtered(text: str, lang: str = "cql2-text") -> str:
    return f"{AREAS}?filter={quote(text)}" + ("" if lang == "cql2-text" else f"&filter-lang={lang}")


# (request, status, words of the Vietnamese answer, words of the English answer)
READER_CASES = [
    # the CQL2 parser and translation (layers.read.cql), position and token as values
    (filtered("((("), 400, "sai cú pháp ở dòng 1, cột 4: cần một điều kiện",
     "filter: invalid cql2-text filter at line 1, column 4: expected Expr"),
    (filtered("name = "), 400, "sai cú pháp ở dòng 1, cột 8: cần một giá trị (tên thuộc tính, số",
     "at line 1, column 8: expected GEOMETRY, Identifier"),
    (filtered("(name = 'x'"), 400, "sai cú pháp ở dòng 1, cột 12: cần “NotFlag, And",
     "at line 1, column 12: expected NotFlag, And"),
    (filtered("nope = 'tea'"), 400, "Lớp growing_areas không có thuộc tính 'nope'; các thuộc tính truy vấn được: id, code",
     "filter: unknown property 'nope' in growing_areas; queryables: id, code"),
    (filtered("foo(name) = 1"), 400, "Không hỗ trợ hàm 'foo'; các hàm được hỗ trợ: casei, accenti",
     "unsupported function 'foo'; supported: casei, accenti"),
    (filtered('{"op": "xx", "args": [1, 2]}', "cql2-json"), 400, "Không hỗ trợ toán tử 'xx'",
     "unsupported operator 'xx'; supported: and"),
    (filtered("name + 1 = 2"), 400, "Bộ lọc không hỗ trợ phép tính ('+')", "arithmetic ('+') is not supported in filters"),
    (filtered("name = DATE('2020-13-01')"), 400, "ngày '2020-13-01' không hợp lệ; cần dạng YYYY-MM-DD",
     "invalid date '2020-13-01'; expected YYYY-MM-DD"),
    (filtered("valid_from = TIMESTAMP('soon')"), 400, "thời điểm 'soon' không hợp lệ",
     "invalid timestamp 'soon'; expected e.g."),
    (filtered("name = 3"), 400, "thuộc tính 'name' là văn bản; không so sánh được với 3",
     "property 'name' is text; cannot compare it with 3"),
    (filtered("households_count = name"), 400, "thuộc tính 'households_count' là một số nguyên; không so sánh được "
     "với thuộc tính 'name' (văn bản)", "property 'households_count' is an integer; cannot compare it with property 'name' (text)"),
    (filtered("name LIKE 3"), 400, "LIKE cần văn bản; 3 là một số", "LIKE needs text; 3 is a number"),
    (filtered("casei(households_count) = 'x'"), 400, "casei() cần văn bản; thuộc tính 'households_count' là một số nguyên",
     "casei() needs text; property 'households_count' is an integer"),
    (filtered("T_AFTER(name, DATE('2020-01-01'))"), 400, "T_AFTER cần một ngày hoặc một thời điểm; thuộc tính 'name' là văn bản",
     "T_AFTER needs a date or a timestamp; property 'name' is text"),
    (filtered("A_CONTAINS(name, ('a'))"), 400, "A_CONTAINS cần một mảng", "A_CONTAINS needs an array"),
    (filtered("geometry = 1"), 400, "Không so sánh thuộc tính 'geometry' ở đây được: với hình học hãy dùng S_INTERSECTS",
     "cannot compare property 'geometry' here: use S_INTERSECTS"),
    (filtered("name = NULL"), 400, "để tìm giá trị bị thiếu hãy dùng IS NULL", "use IS NULL to test for missing values"),
    (filtered("farming_diary AND name"), 400, "thuộc tính 'name' là văn bản, không phải một điều kiện",
     "property 'name' is text, not a condition"),
    (filtered("S_INTERSECTS(geometry, POLYGON((105 19, 106 20, 106 19, 105 20, 105 19)))"), 400,
     "Polygon sai: các cạnh tự cắt nhau tại [105.5 19.5]", "invalid Polygon: Self-intersection[105.5 19.5]"),
    (filtered("S_INTERSECTS(geometry, POLYGON((105 19, 106 19, 105 20)))"), 400,
     "Polygon sai: một vòng cần từ 4 vị trí trở lên", "invalid Polygon: a ring needs 4 or more positions"),
    (filtered("S_INTERSECTS(geometry, POINT(200 20))"), 400, "Point sai: [200.0, 20.0] nằm ngoài kinh độ -180..180",
     "invalid Point: [200.0, 20.0] is outside lon -180..180"),
    (filtered("S_INTERSECTS(geometry, BBOX(106, 20, 105, 19))"), 400, "BBOX [106.0, 20.0, 105.0, 19.0] sai: cần theo thứ tự",
     "invalid BBOX [106.0, 20.0, 105.0, 19.0]: expected minx, miny, maxx, maxy"),
    (filtered("T_INTERSECTS(valid_from, INTERVAL('2025-01-01', '2024-01-01'))"), 400, "kết thúc trước khi bắt đầu",
     "ends before it starts"),
    (filtered('{"op": "and", "args": []}', "cql2-json"), 400, "and cần ít nhất một điều kiện",
     "and needs at least one condition"),
    (filtered('{"op": "=", "args": [{"property": "name"}]}', "cql2-json"), 400, "= cần 2 đối số, nhận được 1",
     "= takes 2 arguments, got 1"),
    (filtered('{"op": "in", "args": [{"property": "name"}, 1]}', "cql2-json"), 400, "IN cần một danh sách",
     "IN needs a list, got 1"),
    (filtered('{"op": 1}', "cql2-json"), 400, "Bộ lọc cql2-json không phải CQL2 JSON: mỗi phần phải là",
     "invalid cql2-json filter: not CQL2 JSON: each part must be"),
    (filtered("{", "cql2-json"), 400, "Bộ lọc cql2-json không phải JSON hợp lệ ở dòng 1, cột 1",
     "invalid cql2-json filter: EOF while parsing an object at line 1 column 1"),
    (f"{AREAS}?filter=name%3D%27x%27&filter-lang=cql3", 400, "Không có filter-lang 'cql3'; dùng cql2-text, cql2-json",
     "unknown filter-lang 'cql3'; supported: cql2-text, cql2-json"),
    (filtered(" OR ".join(["id=1"] * 1002)), 400, "Bộ lọc quá dài: 1.001 phép AND và OR; tối đa 1.000",
     "filter too long: 1,001 ANDs and ORs; at most 1,000"),  # read in a worker: the Said crosses its pipe
    # bbox reasons (geo.ogc_crs)
    (f"{AREAS}?bbox=a,b,c,d", 400, "bbox phải là các số cách nhau bởi dấu phẩy, nhận được 'a,b,c,d'",
     "bbox must be numbers separated by commas, got 'a,b,c,d'"),
    (f"{AREAS}?bbox=1,2,nan,4", 400, "bbox phải là các số hữu hạn", "bbox must be finite numbers"),
    (f"{AREAS}?bbox=1,2,3,4,5", 400, "bbox cần 4 số (hoặc 6 số nếu có độ cao), nhận được 5",
     "bbox needs 4 numbers (or 6 with heights), got 5"),
    (f"{AREAS}?bbox=106,20,105,19", 400, "góc dưới của bbox không nằm dưới và bên trái góc trên", "bbox lower corner is not"),
    (f"{AREAS}?bbox=95,105,96,106&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326", 400,
     "vĩ độ của bbox nằm ngoài [-90, 90]", "bbox latitude out of range [-90, 90]"),
    (f"{AREAS}?bbox=-190,19,105,20", 400, "kinh độ của bbox nằm ngoài [-180, 180]", "bbox longitude out of range"),
    (f"{AREAS}?datetime=1800-01-01/..", 400, "ngoài khoảng ngày dịch vụ nhận (1900-01-01 đến 2200-12-31)",
     "outside the dates this service accepts (1900-01-01 to 2200-12-31)"),
    # search (layers.read.search, geo.address_code)
    ("/search?q=a", 400, "q (nội dung tìm kiếm): cần ít nhất 2 ký tự, nhận được 1",
     "q: q must have at least 2 characters, got 1"),
    ("/search?q=" + "x" * 300, 400, "tối đa 200 ký tự, nhận được 300", "q must have at most 200 characters, got 300"),
    ("/search?q=7Q2M-00K4-X", 400, "ký tự kiểm tra không khớp: có thể gõ nhầm trong '7Q2M-00K4-X'",
     "check character mismatch: maybe a typo in '7Q2M-00K4-X'"),
    ("/search?q=7Q2M-00K4-U", 400, "ký tự 'U' ở vị trí 11 của '7Q2M-00K4-U' không dùng được",
     "bad character 'U' at position 11 of '7Q2M-00K4-U'"),
    # paging and FastAPI's own validation
    ("/collections/households/items?cursor=garbage", 400, "hãy bắt đầu lại từ trang đầu",
     "start again from the first page"),
    ("/collections/households/items?numberMatched=maybe", 400, "numberMatched: phải là true hoặc false",
     "numberMatched: Input should be a valid boolean"),
    ("/opendata?tag=" + "x" * 101, 400, "tag: tối đa 100 ký tự", "tag: String should have at most 100 characters"),
    # raster statistics, map files, the open-data catalog
    ("/collections/landcover/statistics?f=xml", 400, "Số liệu thống kê có ở dạng f=json hoặc f=csv, không có f=xml",
     "statistics are available as f=json or f=csv, not f=xml"),
    ("/collections/landcover/statistics?layer=villages", 400, "layer=villages: số liệu thống kê chỉ có cho một trong: communes",
     "layer=villages: statistics are kept for communes or growing_areas"),
    ("/styles/map/sprite.svg", 404, "Không có tệp sprite 'svg'", "no sprite file 'svg'"),
    ("/styles/map/labels/rivers.geojson", 404, "Không có điểm nhãn cho 'rivers'", "no label points for 'rivers'"),
]


def ask(client, url: str, method: str = "GET", **headers):
    return client.request(method, url, headers={"Accept": "application/json", **headers})


def with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


def both_languages(client, url, status, vi, en, method="GET", **headers) -> dict[str, str]:
    answers = {}
    for lang, words in (("vi", vi), ("en", en)):
        r = ask(client, with_lang(url, lang), method, **headers)
        body = r.json()
        assert r.status_code == status and {"code", "description", "status"} <= set(body), (lang, r.status_code, body)
        assert words in body["description"], (lang, body["description"])
        answers[lang] = body["description"]
    plain = ask(client, url, method, **headers).json()["description"]
    assert plain == answers["en"] and answers["vi"] != answers["en"]
    return answers


# Words a Vietnamese answer must not hold outside quoted values, code and the names of things.
ENGLISH = ("must", "unknown", "invalid", "expected", "cannot", "needs", "the", "got", "is", "supported", "use",
           "missing", "too")
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|`[^`]*`|\{[^}]*\}|\[[^\]]*\]")


def english_words(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z_]+", QUOTED.sub(" ", text))  # a name_with_words is a name
    return [w for w in words if w in ENGLISH]



@pytest.mark.parametrize("url,status,vi,en", READER_CASES, ids=[c[0][:80] for c in READER_CASES])
def test_more_refusals_follow_lang(reader, url, status, vi, en):
    answers = both_languages(reader, url, status, vi, en)
    assert english_words(answers["vi"]) == [], answers["vi"]


def test_the_sweep_finds_english_where_it_is(reader):
    """The sweep above discriminates: an English answer fails it, a quoted English value does not."""
    r = ask(reader, with_lang(filtered("nope = 1"), "en"))
    assert english_words(r.json()["description"]) == ["unknown"]
    assert english_words("Không có định dạng f='the unknown'") == []


# --- the lower layers' English is the catalogue's English, word for word ------------------------
FILTERS = [c[0] for c in READER_CASES if c[0].startswith(AREAS + "?filter=")]
MORE_FILTERS = ["'a' = 'a' AND (", "id IN (1, 'x')", "S_INTERSECTS(geometry, MULTIPOINT EMPTY)", "id IS NULL OR 1",
                "accenti(name) = casei(3)", "name BETWEEN 1 AND 2", "S_WITHIN(name, geometry)",
                "T_DURING(valid_from, INTERVAL('2024-01-01', 'x'))"]


def _said_of_filter(text: str, lang: str) -> Said:
    try:
        check_filter(get_layer("growing_areas"), cql.parse(text, lang), 4326)
    except cql.FilterError as e:
        return said_of(e)
    raise AssertionError(f"{text!r} was accepted")


def _filter_texts():
    for url in FILTERS:
        query = dict(p.split("=", 1) for p in url.split("?", 1)[1].split("&"))
        if query.get("filter-lang", "cql2-text").startswith("cql2"):
            yield unquote(query["filter"]), query.get("filter-lang", "cql2-text")
    yield from ((f, "cql2-text") for f in MORE_FILTERS)


@pytest.mark.parametrize("text,lang", list(_filter_texts()))
def test_a_filter_mistake_is_said_by_the_catalogue_in_both_languages(text, lang):
    said = _said_of_filter(text, lang)
    assert isinstance(said, Said) and said.key in CATALOGUE.entries, said
    assert render(said, "en") == str(said)
    vi = render(said, "vi")
    assert vi != str(said) and english_words(vi) == [], vi


@pytest.mark.parametrize("text,crs", [("a,b,c,d", None), ("1,2,3", None), ("1,2,inf,4", None), ("3,3,1,1", None),
                                       ("0,95,1,96", None), ("-190,0,1,1", None),
                                       ("1e9,1e9,2e9,2e9", "http://www.opengis.net/def/crs/EPSG/0/3405")])
def test_a_bbox_reason_is_said_by_the_catalogue_in_both_languages(text, crs):
    with pytest.raises(ValueError) as caught:
        ogc_crs.bbox_to_xy(ogc_crs.parse_bbox(text), ogc_crs.parse(crs))
    said = said_of(caught.value)
    assert isinstance(said, Said) and render(said, "en") == str(said)
    assert english_words(render(said, "vi")) == [], render(said, "vi")


# --- authentication and authorisation ------------------------------------------------------------
PASSWORD = "correct horse battery"


@pytest.fixture
def staff_app(app_client, demo_db):
    """An app with a route for province staff only, over a database with a commune staff member."""
    from fastapi import Depends

    from api.auth import User, require_roles

    with connection(demo_db) as conn:
        create_user(conn, "xa.ngon.ngu", "commune_staff", ["16708"], password=PASSWORD)
        token = issue_token(conn, "xa.ngon.ngu")
    client = app_client(demo_db)

    @client.app.post("/_test/province-only")
    async def province_only(user: User = Depends(require_roles("province_staff"))):
        return {"name": user.name}

    return client, token


def test_authentication_refusals_follow_lang(staff_app):
    client, token = staff_app
    said = []
    said.append(both_languages(client, "/auth/me", 401, "Hãy đăng nhập, hoặc gửi 'Authorization: Bearer <token>'",
                               "log in or send 'Authorization: Bearer <token>'"))
    said.append(both_languages(client, "/auth/me", 401, "Tiêu đề Authorization phải có dạng 'Bearer <token>'",
                               "the Authorization header must be 'Bearer <token>'", Authorization="Basic eDp5"))
    said.append(both_languages(client, "/auth/me", 401, "Mã truy cập (token) không có, đã hết hạn hoặc đã bị thu hồi",
                               "the token is unknown, expired or revoked", Authorization="Bearer nothing-like-it"))
    said.append(both_languages(client, "/_test/province-only", 403, "Vai trò commune_staff không được làm việc này; "
                               "cần một trong các vai trò: province_staff",
                               "role commune_staff may not do this; it needs province_staff", "POST",
                               Authorization=f"Bearer {token}"))
    for body, content_type, status, vi, en in (
            ("a=b", "text/plain", 415, "Hãy gửi tên người dùng và mật khẩu dạng JSON", "send the username and password as JSON"),
            ("{not json", "application/json", 400, "Nội dung gửi lên không phải JSON hợp lệ", "the body is not valid JSON"),
            ("[1]", "application/json", 400, "phải là một đối tượng JSON", "the body must be a JSON object"),
            ('{"username": "a"}', "application/json", 400, "Thiếu password", "missing password"),
            ("{}", "application/json", 400, "Thiếu username và password", "missing username and password"),
            (json.dumps({"username": "a" * 81, "password": "b"}), "application/json", 400, "quá dài", "too long"),
            ("x" * 5000, "application/json", 413, "Nội dung đăng nhập tối đa 4.096 byte", "a login body is at most 4,096 bytes"),
    ):
        answers = {}
        for lang, words in (("vi", vi), ("en", en)):
            r = client.post(f"/auth/login?lang={lang}", content=body, headers={"Content-Type": content_type})
            assert r.status_code == status and words in r.json()["description"], (lang, r.status_code, r.text)
            answers[lang] = r.json()["description"]
        said.append(answers)
    login = {"username": "xa.ngon.ngu", "password": "wrong password!"}
    r = client.post("/auth/login?lang=vi", json=login)
    assert r.status_code == 401 and r.json()["description"] == "Sai tên người dùng hoặc mật khẩu"
    assert client.post("/auth/login", json=login).json()["description"] == "unknown user name or wrong password"
    for _ in range(3):
        client.post("/auth/login", json=login)
    r = client.post("/auth/login", json=login, headers={"Accept-Language": "vi"})
    assert r.status_code == 429 and r.headers["Retry-After"].isdigit(), r.text
    assert re.fullmatch(r"Đăng nhập sai quá nhiều lần; hãy thử lại sau \d+ giây", r.json()["description"])
    assert client.post("/auth/login?lang=en", json=login).json()["description"].startswith("too many failed logins")
    for answers in said:
        assert english_words(answers["vi"]) == [], answers["vi"]


def test_csrf_and_an_ended_session_follow_lang(staff_app):
    client, _ = staff_app
    assert client.post("/auth/login", json={"username": "xa.ngon.ngu", "password": PASSWORD}).status_code == 200
    r = client.post("/_test/province-only?lang=vi")  # the session cookie, no CSRF header
    assert r.status_code == 403 and r.json()["description"].startswith("Yêu cầu dùng cookie phiên làm việc phải gửi "
                                                                        "tiêu đề X-CSRF-Token")
    assert client.post("/_test/province-only").json()["description"].startswith(
        "a request with a session cookie must send the X-CSRF-Token header")
    client.cookies.clear()
    r = client.get("/auth/me?lang=vi", headers={"Cookie": "ntm_session=ended-long-ago"})
    assert r.status_code == 401 and r.json()["description"] == "Phiên làm việc đã hết hạn hoặc đã kết thúc; hãy đăng nhập lại"


# --- answers written before or outside the router ------------------------------------------------
def test_options_on_nothing_and_a_foreign_host_follow_lang(reader, app_client, shared_demo):
    both_languages(reader, "/no/such/thing", 404, "Không có tài nguyên nào tại /no/such/thing", "no resource at /no/such/thing",
                   "OPTIONS")
    guarded = app_client(shared_demo, allowed_hosts=["maps.nghean.example"], opendata_base_url=None)
    for lang, words in (("vi", "Máy chủ này không trả lời tên máy trong tiêu đề Host"),
                        ("en", "this server does not answer to the host name in the Host header")):
        r = guarded.get(f"/collections?lang={lang}", headers={"Host": "elsewhere.example"})
        assert r.status_code == 400 and r.json()["description"].startswith(words), r.text


def test_a_method_not_allowed_follows_lang(reader):
    answers = both_languages(reader, "/collections", 405, "Địa chỉ này không nhận phương thức của yêu cầu",
                             "Method Not Allowed", "DELETE")
    assert english_words(answers["vi"]) == []
    assert "GET" in ask(reader, "/collections?lang=vi", "DELETE").headers["allow"]


def test_the_opendata_catalog_406_and_the_500_follow_lang(reader):
    both_languages(reader, "/opendata/catalog", 406, "Danh mục dữ liệu có ở các dạng", "the catalog is available as",
                   Accept="image/png")
    from api.errors import internal_error

    scope = {"type": "http", "path": "/x", "query_string": b"lang=vi", "headers": [], "state": {"request_id": "r-1"}}
    assert "lỗi được ghi lại với mã yêu cầu r-1" in internal_error(scope).body.decode("utf-8")
    scope["query_string"] = b""
    assert "it is logged as request r-1" in internal_error(scope).body.decode("utf-8")


@pytest.mark.parametrize("case", range(len(EARLIER_CASES)))
def test_the_earlier_refusals_pass_the_sweep_too(reader, case):
    url, status, _, _ = EARLIER_CASES[case]
    r = ask(reader, with_lang(url, "vi"))
    assert r.status_code == status and english_words(r.json()["description"]) == [], r.json()["description"]
