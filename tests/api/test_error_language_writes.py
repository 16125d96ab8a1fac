"""OGC API Part 4 write refusals (growing areas) in the language asked (issue 21): the request's
mistakes (body, If-Match, Content-Crs), roles and areas, stale versions and unknown areas. The
Vietnamese words come from the catalogue; a program asking no language keeps its English text."""
from __future__ import annotations

import psycopg
import pytest
from fastapi import Request
from sqlalchemy import text

from tests.api.growing_helpers import area_body, commune_with_room, free_spots, make_user, square
from tests.api.test_error_language_more import english_words
from tests.support import started_client

ITEMS = "/collections/growing_areas/items"


@pytest.fixture
def staff(writer, demo_db):
    commune, _ = commune_with_room(demo_db)
    with psycopg.connect(demo_db) as conn:
        elsewhere = conn.execute("SELECT id, commune_code FROM growing_areas WHERE commune_code <> %s ORDER BY id LIMIT 1",
                                 (commune,)).fetchone()
    return {"client": writer, "url": demo_db, "commune": commune, "other_id": elsewhere[0],
            "other_commune": elsewhere[1], "xa": make_user(demo_db, "xa.ngon.ngu", "commune_staff", [commune]),
            "promoter": make_user(demo_db, "quang.ba", "tourism_promoter", [commune])}


def answers(client, method, url, status, vi, en, **kw) -> str:
    said = {}
    for lang, words in (("vi", vi), ("en", en)):
        r = client.request(method, f"{url}{'&' if '?' in url else '?'}lang={lang}", **kw)
        assert r.status_code == status and words in r.json()["description"], (lang, r.status_code, r.text)
        said[lang] = r.json()["description"]
    assert client.request(method, url, **kw).json()["description"] == said["en"]
    assert english_words(said["vi"]) == [], said["vi"]
    return said["vi"]


def test_write_refusals_follow_lang(staff):
    c, xa, promoter = staff["client"], staff["xa"], staff["promoter"]
    body = area_body(square(105.0, 19.0), staff["commune"])
    answers(c, "POST", ITEMS, 403, "Vai trò tourism_promoter không được đăng ký vùng trồng",
            "a tourism_promoter may not register growing areas", headers=promoter, json=body)
    answers(c, "POST", ITEMS, 400, "Nội dung gửi lên không phải JSON (“", "the body is not JSON (",
            headers={**xa, "Content-Type": "application/json"}, content=b"{not json")
    answers(c, "POST", ITEMS, 400, "Content-Crs: không hỗ trợ hệ tọa độ 'EPSG:1'", "Content-Crs: unsupported CRS 'EPSG:1'",
            headers={**xa, "Content-Crs": "<EPSG:1>"}, json=body)
    answers(c, "POST", ITEMS, 413, "Nội dung gửi lên có 9.999.999 byte; tối đa",
            "the body is 9,999,999 bytes; at most", headers={**xa, "Content-Length": "9999999"}, content=b"{}")
    for sent, vi, en in (
            ([1], "phải là một đối tượng GeoJSON Feature", "the body must be a GeoJSON Feature object"),
            ({**body, "id": 7}, "Không đặt được id trong yêu cầu (mã số do máy chủ cấp)", "id cannot be set in a request"),
            ({**body, "properties": {"households_count": "many"}}, "households_count phải là số nguyên từ 0 đến 1000000",
             "households_count must be a whole number from 0 to 1000000"),
            ({**body, "properties": {"farming_diary": "yes"}}, "farming_diary phải là true hoặc false",
             "farming_diary must be true or false"),
            ({**body, "properties": {"certification": "gold"}}, "certification phải là một trong", "must be one of"),
            ({**body, "properties": {"code": "VN-1"}}, "Không đặt được code trong yêu cầu: mã, trạng thái và thời hạn",
             "code cannot be set in a request"),
            ({**body, "properties": {"colour": "red"}}, "Không có các thuộc tính colour; các thuộc tính ghi được: name",
             "unknown properties colour; writable: name"),
            ({**body, "geometry": "here"}, "geometry phải là một đối tượng hình học GeoJSON",
             "geometry must be a GeoJSON geometry object")):
        answers(c, "POST", ITEMS, 400, vi, en, headers=xa, json=sent)
    other = f"{ITEMS}/{staff['other_id']}"
    answers(c, "PATCH", other, 428, "Hãy gửi If-Match với ETag đã đọc", "send If-Match with the ETag you read",
            headers=xa, json={"properties": {"name": "x"}})
    answers(c, "PATCH", other, 403, f"Vùng trồng số {staff['other_id']} thuộc xã {staff['other_commune']}, ngoài địa bàn "
            f"của xa.ngon.ngu (địa bàn: {staff['commune']})", f"is in commune {staff['other_commune']}, outside the areas of",
            headers={**xa, "If-Match": "*"}, json={"properties": {"name": "x"}})
    answers(c, "PATCH", f"{ITEMS}/999999999", 404, "Không có vùng trồng số 999999999", "no growing area 999999999",
            headers={**xa, "If-Match": "*"}, json={"properties": {"name": "x"}})
    answers(c, "GET", f"{ITEMS}/999999999/history", 404, "Không có vùng trồng số 999999999 có lịch sử để xem",
            "no growing area 999999999 with a history to show")
    answers(c, "POST", f"{other}/actions/submit", 400, "Nội dung gửi lên (không bắt buộc) là JSON",
            "the body is optional JSON", headers={**xa, "If-Match": "*"}, json=[1])
    answers(c, "POST", f"{other}/actions/submit", 400, "valid_to phải là ngày dạng YYYY-MM-DD",
            "valid_to must be a date YYYY-MM-DD", headers={**xa, "If-Match": "*"}, json={"valid_to": "soon"})
    answers(c, "POST", "/collections/growing_areas/uploads", 400, "Hãy gửi tệp dạng multipart/form-data",
            "send the file as multipart/form-data", headers=xa, content=b"x")


def test_a_stale_if_match_is_said_in_the_language_asked(staff):
    c, xa = staff["client"], staff["xa"]
    spot = free_spots(staff["url"], staff["commune"], 1)[0]
    created = c.post(ITEMS, headers=xa, json=area_body(square(*spot), staff["commune"]))
    assert created.status_code == 201, created.text
    where = created.headers["Location"].split("/collections", 1)[1]
    answers(c, "PATCH", f"/collections{where}", 412, "đã thay đổi từ khi bạn đọc (nay là", "has changed since you read it (now",
            headers={**xa, "If-Match": '"0-stale"'}, json={"properties": {"name": "Vùng cam mới"}})
    answers(c, "POST", f"/collections{where}/actions/grant", 403, "Vai trò commune_staff không được làm bước grant với "
            "vùng trồng; người được làm trong địa bàn của vùng: một trong: province_staff",
            "a commune_staff may not grant a growing area; province_staff in the area's scope may",
            headers={**xa, "If-Match": "*"})
    answers(c, "POST", f"/collections{where}/actions/submit", 400, "Chỉ bước grant và renew mới nhận valid_to",
            "valid_to is only taken by grant and renew", headers={**xa, "If-Match": "*"}, json={"valid_to": "2199-01-01"})
    admin = make_user(staff["url"], "quan.tri", "admin", [])
    answers(c, "POST", f"/collections{where}/actions/renew", 409, "Không làm được bước renew với vùng trồng ở trạng "
            "thái draft; chỉ với trạng thái một trong: granted, expired",
            "cannot renew a draft growing area; only a granted or expired one", headers={**admin, "If-Match": "*"})



def test_staff_route_parameters_follow_lang(staff):
    c, xa, area = staff["client"], staff["xa"], f"/staff/api/growing-areas/{staff['other_id']}"
    answers(c, "GET", "/staff/api/growing-areas?status=lost", 400, "status: phải là 'draft', 'submitted', 'inspected', 'granted', 'suspended', 'revoked' hoặc 'expired'",
            "status: Input should be 'draft'", headers=xa)
    answers(c, "GET", "/staff/api/growing-areas?commune=abc", 400, "commune: phải khớp mẫu",
            "commune: String should match pattern", headers=xa)
    answers(c, "GET", f"{area}?as_of=soon", 400, "as_of: phải là ngày dạng YYYY-MM-DD",
            "as_of: Input should be a valid date", headers=xa)
    answers(c, "GET", f"{area}?as_of=1800-01-01", 400,
            "as_of 1800-01-01 nằm ngoài khoảng ngày dịch vụ nhận (1900-01-01 đến 2200-12-31)",
            "as_of 1800-01-01 is outside the dates this service accepts (1900-01-01 to 2200-12-31)", headers=xa)
    answers(c, "POST", f"{ITEMS}/{staff['other_id']}/actions/submit", 400,
            "valid_to 2300-01-01 nằm ngoài khoảng ngày dịch vụ nhận", "valid_to 2300-01-01 is outside the dates",
            headers={**xa, "If-Match": "*"}, json={"valid_to": "2300-01-01"})


def test_upload_limits_follow_lang(staff):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(60):
            z.writestr(f"f{i}.txt", "x")
    answers(staff["client"], "POST", "/collections/growing_areas/uploads", 413, "many.zip chứa 60 tệp; chỉ nhận tối đa",
            "many.zip holds 60 files; at most", headers=staff["xa"], files={"file": ("many.zip", buf.getvalue())})


def test_database_refusals_follow_lang(settings, shared_demo):
    """A conflict with stored data (409) and a lost connection (503), as layers.db.errors names them."""
    async def duplicate(request: Request):
        async with request.app.state.engine.connect() as conn:
            await conn.execute(text("CREATE TEMP TABLE t (k int PRIMARY KEY)"))
            await conn.execute(text("INSERT INTO t VALUES (1), (1)"))

    async def dropped(request: Request):
        async with request.app.state.engine.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))

    with started_client(settings, shared_demo, raise_server_exceptions=False) as c:
        c.app.add_api_route("/probe/duplicate", duplicate)
        c.app.add_api_route("/probe/dropped", dropped)
        vi = answers(c, "GET", "/probe/duplicate", 409, "Yêu cầu mâu thuẫn với dữ liệu đã lưu (cơ sở dữ liệu báo: “",
                     "the request conflicts with stored data: duplicate key")
        assert "duplicate key" in vi  # the database's own words, quoted
        answers(c, "GET", "/probe/dropped", 503, "Cơ sở dữ liệu hiện chưa sẵn sàng; xin thử lại sau ít giây",
                "the database is not available right now; retry shortly")


def test_too_many_logins_at_once_is_said_in_the_language_asked():
    """The login queue's 503 (api.routes.auth.LoginSlots), written as api.errors writes any refusal."""
    import asyncio

    from api.errors import for_exception
    from api.routes.auth import LoginSlots

    async def queue_full():
        try:
            await LoginSlots(1, max_waiting=0).verify(None, "guess", lambda: None)
        except Exception as exc:  # the refusal, raised before any password is checked
            return exc
        raise AssertionError("a full queue admitted a login")

    refusal = asyncio.run(queue_full())
    for query, words in ((b"lang=vi", "Đang có quá nhiều lượt đăng nhập cùng lúc"), (b"", "too many logins at once")):
        response = for_exception(refusal, {"type": "http", "path": "/auth/login", "query_string": query, "headers": []})
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        assert words in response.body.decode("utf-8")
