"""Address plates of a village as a PDF (issue 16): `GET /collections/villages/items/{id}/plates.pdf`.

Thin: let layers.printing.plates say who may print which village and read its active
households; put each plate's words in the language (the catalogue); have the plates drawn in a
printing worker into a temporary file; stream it (its name removed before the first byte, as
label sheets are). 401 without credentials, 403 outside the user's communes, 404 for no village,
413 past geo.plates.MAX_PLATES households, 409 for a village with no household to print, 503
when the printing workers are busy or the job overran its bounds.
"""
from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse

from api.auth import User, current_user
from api.i18n import t
from api.i18n.refusal import Refusal
from api.routes.labels import Lang, language, stream_and_forget
from geo.plates import Plate, PlateProblem
from layers.printing import labels, plates

router = APIRouter(tags=["addresses: printing"])
VillageId = Path(..., alias="villageId", ge=1, le=2**31 - 1, description="Village id")
RESPONSES = {r: {"description": d} for r, d in (
    (200, "the PDF (application/pdf): one plate per active household, 8 to an A4 page"),
    (401, "no or bad credentials"), (403, "not staff of the village's commune or province, nor an admin"),
    (404, "no such village"), (409, "the village has no household to print"),
    (413, "more households than one PDF holds"), (503, "the printing workers are busy, or the job overran"))}


def short(url: str) -> str:
    return url.split("://", 1)[-1]


@router.get("/collections/villages/items/{villageId}/plates.pdf", summary="Print the address plates of a village",
            responses=RESPONSES, response_class=StreamingResponse)
async def village_plates(request: Request, village_id: int = VillageId, user: User = Depends(current_user),
                         lang: Lang | None = Query(None, description="Language of the printed words (default vi)")):
    lang_code = language(request, lang)
    async with request.app.state.engine.connect() as conn:
        village = await plates.village(conn, village_id)
        plates.check_may_print(user, village)
        rows = await plates.households(conn, village)
    if not rows:
        raise Refusal(409, "addresses_public.plates.none")
    commune = (village.commune_vi if lang_code == "vi" else village.commune_en) or village.commune_code
    base = str(request.base_url)
    items = []
    for code, plus in rows:
        url = plates.page_url(base, code)
        items.append(Plate(url, code, village.name, commune,
                           t("addresses_public.plates.plus_code", lang_code, code=plus) if plus else "", short(url)))
    title = t("addresses_public.plates.title", lang_code, village=village.name, commune=commune)
    try:
        path, _ = await plates.render(request.app.state.settings, items, title)
    except PlateProblem as exc:
        raise Refusal(400, exc.key, **exc.values) from None
    except labels.PrintFailed as exc:
        said = exc.args[0]
        raise Refusal(503, said.key, headers={"Retry-After": "5"}, **said.values) from None
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", village.code)
    return stream_and_forget(path, {"Content-Disposition": f'inline; filename="plates-{name}.pdf"',
                                     "Cache-Control": "no-store"})
