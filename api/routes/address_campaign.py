"""The address campaign for staff (issue 16): which villages are behind, what is left to place.

- `GET /staff/api/addresses/coverage?commune=CODE`: per village and for the commune, households in
  the register, points, verified points and the share covered (layers.read.coverage), least
  covered first; staff see the register's figures whole.
- `GET /staff/addresses/campaign?commune=CODE`: the same as a phone-first page, each village with
  its plates PDF, and the register rows not placed yet (names of heads of household: a read of
  personal data, recorded in private.household_access).

- `GET /staff/api/addresses/registers/template.xlsx|csv`: the register template.
- `POST /staff/api/addresses/registers?commune=&name=`: the file as the body (at most
  REGISTER_MAX_MB), imported in a bounded worker (layers.jobs.registers.worker); the report.
- `GET /staff/api/addresses/registers/{id}/unplaced`: its rows to place, in the file's format.

Staff only (commune staff in their communes, province staff in their province, admins); 401
without credentials, 403 for a commune outside the user's areas. Without `commune` the user's
first commune (by name) is shown.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.auth import User, current_user
from api.http.negotiation import language
from api.http.limits import expensive
from api.i18n.refusal import Refusal
from geo import registers
from layers.jobs.registers import worker
from layers.read import coverage
from layers.read.admin_units import communes_in_scope
from layers.workers.bounded import Unbounded

router = APIRouter(tags=["addresses"])
STAFF = ("admin", "province_staff", "commune_staff")
NO_STORE = {"Cache-Control": "no-store"}


async def _commune(request: Request, user: User, commune: str | None) -> dict:
    if user.role not in STAFF:
        raise Refusal(403, "addresses_public.campaign.role", role=user.role)
    scope = await communes_in_scope(request.app.state.engine, user)
    if not scope:
        raise Refusal(403, "addresses_public.campaign.no_commune", name=user.name)
    if commune is None:
        return scope[0] | {"scope": scope}
    for c in scope:
        if c["code"] == commune:
            return c | {"scope": scope}
    raise Refusal(403, "addresses_public.campaign.outside", commune=commune, name=user.name)


@router.get("/staff/api/addresses/coverage", summary="Address coverage of a commune's villages (staff)")
async def coverage_json(request: Request, user: User = Depends(current_user),
                        commune: str | None = Query(None, description="5-digit commune code")):
    found = await _commune(request, user, commune)
    async with request.app.state.engine.connect() as conn:
        villages = await coverage.villages(conn, [found["code"]])
        total = await coverage.communes(conn, [found["code"]])
    return JSONResponse({"commune": total[0] if total else {"commune_code": found["code"]}, "villages": villages},
                        headers=NO_STORE)


@router.get("/staff/addresses/campaign", response_class=HTMLResponse, summary="The address campaign page (staff)")
async def campaign_page(request: Request, user: User = Depends(current_user), lang: str = Depends(language),
                        commune: str | None = Query(None, description="5-digit commune code")):
    found = await _commune(request, user, commune)
    async with request.app.state.engine.begin() as conn:  # the read of unplaced rows is recorded with it
        villages = await coverage.villages(conn, [found["code"]])
        total = await coverage.communes(conn, [found["code"]])
        unplaced = await coverage.unplaced(conn, found["code"], user.name)
    body = request.app.state.templates.env.get_template("address_campaign.html").render(
        lang=lang, commune=found, total=total[0] if total else None, villages=villages, unplaced=unplaced,
        name=found["name_vi"] if lang == "vi" else found["name_en"])
    return HTMLResponse(body, headers={**NO_STORE, "X-Frame-Options": "DENY"})


REGISTER_MAX_MB = 40  # 200,000 rows of a register are about 25 MB of CSV
MEDIA = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


async def _receive(request: Request, suffix: str) -> Path:
    limit = REGISTER_MAX_MB << 20
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refusal(413, "addresses_public.registers.size", mb=REGISTER_MAX_MB)
    fd, name = tempfile.mkstemp(prefix="ntm-register-", suffix=suffix)
    total = 0
    try:
        with os.fdopen(fd, "wb") as out:
            async for chunk in request.stream():
                total += len(chunk)
                if total > limit:
                    raise Refusal(413, "addresses_public.registers.size", mb=REGISTER_MAX_MB)
                out.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    if total == 0:
        os.unlink(name)
        raise Refusal(400, "addresses_public.registers.no_body")
    return Path(name)


@router.get("/staff/api/addresses/registers/template.{fmt}", summary="The household register template")
async def register_template(fmt: str):
    if fmt not in MEDIA:
        raise Refusal(404, "addresses_public.registers.template_format", fmt=fmt)
    return Response(registers.template(fmt), media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="so_ho_mau.{fmt}"'})


@router.post("/staff/api/addresses/registers", status_code=201, summary="Import a commune's household register")
async def register_upload(request: Request, user: User = Depends(current_user),
                          commune: str = Query(..., description="5-digit commune code"),
                          name: str = Query(..., description="The file's name: .csv or .xlsx"),
                          _slot: None = Depends(expensive)):
    """The body is the file (CSV or .xlsx, at most REGISTER_MAX_MB); the answer is the import's
    report and the link to the rows to place. Read, matched and stored in a bounded worker."""
    found = await _commune(request, user, commune)
    try:
        fmt = registers.file_format(name)
    except registers.RegisterProblem as exc:
        raise Refusal(400, exc.key, **exc.values) from None
    path = await _receive(request, "." + fmt)
    try:
        report = await worker.import_in_worker(request.app.state.settings, request.app.state.engine, path,
                                               found["code"], user.name, Path(name).name)
    except Unbounded as exc:
        raise Refusal(503, "addresses_public.registers.bounded", headers={"Retry-After": "30"},
                      reason=exc.reason) from None
    finally:
        os.unlink(path)
    if "refused" in report:
        key, values = report["refused"]
        raise Refusal(413 if key.endswith("too_many") else 400, key, **values)
    report["unplaced"] = f"{str(request.base_url).rstrip('/')}/staff/api/addresses/registers/{report['register_id']}/unplaced"
    return JSONResponse(report, status_code=201, headers=NO_STORE)


@router.get("/staff/api/addresses/registers/{register_id}/unplaced", summary="A register's rows to place, as a file")
async def register_unplaced(request: Request, register_id: int = PathParam(ge=1, le=2**62),
                            user: User = Depends(current_user), lang: str = Depends(language)):
    async with request.app.state.engine.connect() as conn:
        commune = await coverage.register_commune(conn, register_id)
    if commune is None:
        raise Refusal(404, "addresses_public.registers.no_register", id=str(register_id))
    await _commune(request, user, commune)
    data, filename, media = await run_in_threadpool(
        worker.unplaced_file, worker.database_url(request.app.state.engine), register_id, user.name, lang)
    return Response(data, media_type=media, headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'})
