"""QR label sheets of a harvest lot as a PDF (issue 15): `GET /collections/harvest_lots/items/{id}/labels.pdf`.

Thin: parse the sheet, count, skip, outline and language; let layers.printing.labels say who may
print which lot and what the QR code holds; put the label's lines in the language (catalogue,
geo.formatting); have the sheet drawn in a printing worker into a temporary file; stream the file,
whose name is removed before the first byte leaves. 401 without credentials, 403 for someone else's lot, 404 for no lot,
409 for a recalled lot, 400 for a bad sheet, count or skip, 503 when the printing workers are
busy or the job overran its bounds.
"""
from __future__ import annotations

import os
import re
from enum import Enum

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from api.auth import User, current_user
from api.i18n import t
from api.i18n.refusal import Refusal
from api.routes.growing_messages import scope_language
from geo import formatting, labels as sheets
from geo.labels import Label, LabelProblem
from geo.qr import QRProblem
from layers.printing import labels

router = APIRouter(tags=["traceability: printing"])
LotId = Path(..., alias="lotId", ge=1, le=2**31 - 1, description="Harvest-lot id")
DEFAULT_SHEET = "a4-3x8-70x37"
CHUNK = 256 * 1024
RESPONSES = {r: {"description": d} for r, d in (
    (200, "the PDF (application/pdf)"), (400, "unknown sheet, count outside 1..10,000, or skip outside the page"),
    (401, "no or bad credentials"), (403, "not the lot's cooperative, its province's staff or an admin"),
    (404, "no such lot"), (409, "the lot was recalled"), (503, "the printing workers are busy, or the job overran"))}


class Lang(str, Enum):
    vi = "vi"
    en = "en"


def language(request: Request, lang: Lang | None) -> str:
    """lang=, else Accept-Language, else Vietnamese: labels are printed for Vietnamese shops."""
    return lang.value if lang is not None else (scope_language(request.scope) or "vi")


def check_print_job(sheet: str, count: int, skip: int) -> None:
    if sheet not in sheets.SHEETS:
        raise Refusal(400, "errors.labels.unknown_sheet", value=sheet, known=", ".join(sheets.SHEETS))
    if not 1 <= count <= sheets.MAX_LABELS:
        raise Refusal(400, "printing.errors.count", value=count, limit=sheets.MAX_LABELS)
    per_page = sheets.SHEETS[sheet].per_page
    if not 0 <= skip < per_page:
        raise Refusal(400, "errors.labels.bad_skip", value=skip, limit=per_page - 1)


@router.get("/collections/harvest_lots/items/{lotId}/labels.pdf", summary="Print QR labels of a harvest lot",
            responses=RESPONSES, response_class=StreamingResponse)
async def lot_labels(
        request: Request, lot_id: int = LotId, user: User = Depends(current_user),
        sheet: str = Query(DEFAULT_SHEET, description="Sticker sheet: " + ", ".join(sheets.SHEETS)),
        count: int = Query(1, description=f"Labels to print, 1 to {sheets.MAX_LABELS:,}"),
        skip: int = Query(0, description="Labels already peeled off the first sheet"),
        outline: bool = Query(False, description="Draw each label's edge (a test print on plain paper)"),
        lang: Lang | None = Query(None, description="Language of the printed words (default vi)")):
    check_print_job(sheet, count, skip)
    lang_code = language(request, lang)
    async with request.app.state.engine.connect() as conn:
        lot = await labels.lot(conn, lot_id)
        await labels.check_may_print(conn, user, lot)
    url = labels.lot_url(str(request.base_url), lot)
    label = Label(url, lot.product, t("printing.labels.lot", lang_code, lot=lot.lot_code),
                  t("printing.labels.harvest", lang_code, day=formatting.day(lot.harvest_date, lang_code)),
                  labels.short(url))
    title = t("printing.labels.title", lang_code, lot=lot.lot_code, product=lot.product)
    try:
        path, _ = await labels.render_sheet(request.app.state.settings, label, count, sheet, skip, outline, title)
    except (LabelProblem, QRProblem) as exc:  # e.g. a Digital Link too dense for the smallest labels
        raise Refusal(400, exc.key, **exc.values) from None
    except labels.PrintFailed as exc:
        said = exc.args[0]
        raise Refusal(503, said.key, headers={"Retry-After": "5"}, **said.values) from None
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", lot.lot_code)
    return stream_and_forget(path, {"Content-Disposition": f'inline; filename="labels-{name}.pdf"',
                                     "Cache-Control": "no-store"})


def stream_and_forget(path, headers: dict) -> StreamingResponse:
    """The file's bytes in chunks; its name is removed before the first byte is sent (the open
    handle keeps the data readable), so a client that goes away mid-download leaves no file behind."""
    handle = open(path, "rb")
    os.unlink(path)
    size = os.fstat(handle.fileno()).st_size

    async def chunks():
        try:
            while data := await run_in_threadpool(handle.read, CHUNK):
                yield data
        finally:
            handle.close()

    return StreamingResponse(chunks(), media_type="application/pdf", background=BackgroundTask(handle.close),
                             headers={**headers, "Content-Length": str(size)})
