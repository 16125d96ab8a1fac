"""Upload a file of growing areas: streamed to a temporary file under a size limit, then read,
checked and stored all-or-nothing (layers.write.growing.upload).

The multipart body is parsed as it arrives (python-multipart's streaming parser), so a 200 MB
upload costs one chunk of memory and is cut off at the limit; a declared Content-Length over the
limit is refused before a byte of the body is read.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from python_multipart.multipart import MultipartParser, parse_options_header

from api.auth import User, actor_of, current_user
from api.errors import growing_error
from api.pages import zonal_text
from api.routes.growing_messages import scope_language
from api.http.limits import expensive
from geo.lifecycle import may_create
from geo.said import Said
from geo.vector_sniff import shorten
from layers.write.growing import archive, upload
from layers.write.growing.errors import BadBody, Forbidden, TooLarge, UploadRejected
from layers.write.growing.session import writing

router = APIRouter(tags=["growing areas (staff)"])
SUFFIXES = {".zip", ".kmz", ".kml", ".geojson", ".json", ".gpkg"}
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {"file": {
        "type": "string", "format": "binary",
        "description": "Shapefile (.zip), KML, KMZ, GeoJSON or GeoPackage"}}}}}}}


MAX_NAME_BYTES = 200


def upload_name(raw: bytes) -> str:
    """The uploaded file's own name, safe to create in a temporary folder, or BadBody saying why.

    Only the last path part is kept; control characters (a NUL makes open() fail) and names
    longer than a file system takes are refused with a 400 instead of failing as a 500.
    """
    text = raw.decode("utf-8", "replace")
    name = text.replace("\\", "/").rsplit("/", 1)[-1].strip() or "upload"
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BadBody(f"the file name {shorten(text)!r} holds control characters; rename the file")
    if len(name.encode()) > MAX_NAME_BYTES or name in (".", ".."):
        raise BadBody(f"the file name {shorten(name)!r} is not usable (at most {MAX_NAME_BYTES} bytes); rename the file")
    return name


class _FilePart:
    """Callbacks writing the `file` part to disk, counting bytes against the limit."""

    def __init__(self, folder: Path, limit: int):
        self.folder, self.limit = folder, limit
        self.header_name = b""
        self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.out = None
        self.path: Path | None = None
        self.size = 0

    def callbacks(self) -> dict:
        return {"on_part_begin": self.begin, "on_header_field": self.field, "on_header_value": self.value,
                "on_header_end": self.header_end, "on_headers_finished": self.headers_done,
                "on_part_data": self.data, "on_part_end": self.end}

    def begin(self):
        self.headers, self.header_name, self.header_value = {}, b"", b""

    def field(self, data, start, end):
        self.header_name += data[start:end]

    def value(self, data, start, end):
        self.header_value += data[start:end]

    def header_end(self):
        self.headers[self.header_name.lower()] = self.header_value
        self.header_name, self.header_value = b"", b""

    def headers_done(self):
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        if options.get(b"name") == b"file" and self.path is None:
            filename = upload_name(options.get(b"filename", b"upload"))
            if Path(filename).suffix.lower() not in SUFFIXES:
                raise BadBody(f"{shorten(filename)}: upload a Shapefile .zip, .kml, .kmz, .geojson or .gpkg file")
            self.path = self.folder / filename
            self.out = open(self.path, "wb")

    def data(self, data, start, end):
        if self.out is None:
            return
        self.size += end - start
        if self.size > self.limit:
            raise TooLarge(Said(f"the file is over {self.limit // (1 << 20)} MB (NTM_GROWING_UPLOAD_MAX_MB)",
                                "errors.api.growing.file_over", mb=self.limit // (1 << 20)))
        self.out.write(data[start:end])

    def end(self):
        if self.out is not None:
            self.out.close()
            self.out = None


async def receive(request: Request, folder: Path, limit: int) -> Path:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise TooLarge(Said(f"the upload is {int(declared):,} bytes; at most {limit // (1 << 20)} MB "
                            "(NTM_GROWING_UPLOAD_MAX_MB)", "errors.api.growing.upload_size", n=int(declared),
                            mb=limit // (1 << 20)))
    ctype, options = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or not options.get(b"boundary"):
        raise BadBody(Said("send the file as multipart/form-data in a field named 'file'", "errors.api.growing.multipart"))
    part = _FilePart(folder, limit)
    parser = MultipartParser(options[b"boundary"], part.callbacks())
    total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit + 64 * 1024:  # other form fields count too
                raise TooLarge(Said(f"the upload is over {limit // (1 << 20)} MB (NTM_GROWING_UPLOAD_MAX_MB)",
                                    "errors.api.growing.upload_over", mb=limit // (1 << 20)))
            parser.write(chunk)
        parser.finalize()
    finally:
        part.end()
    if part.path is None or part.size == 0:
        raise BadBody("no file in the form field 'file' (or it is empty)")
    return part.path


def _prepare(path: Path, folder: Path, settings) -> tuple[Path, str]:
    display = path.name
    if path.suffix.lower() in (".zip", ".kmz"):
        path = archive.unpack(path, folder / "unpacked", settings.growing_upload_max_entries,
                              settings.growing_upload_max_unzipped_mb << 20)
    return path, display


@router.post("/collections/growing_areas/uploads", summary="Upload a file of growing areas (all or nothing)",
             status_code=201, openapi_extra=UPLOAD_BODY,
             responses={400: {"description": "not a readable file"}, 401: {"description": "no credentials"},
                        403: {"description": "role or area not allowed"},
                        413: {"description": "over a size, entry or feature limit"},
                        422: {"description": "some features failed: per-feature report, nothing stored"}})
async def upload_areas(request: Request, user: User = Depends(current_user), _slot: None = Depends(expensive)):
    if not may_create(user.role):
        raise Forbidden(Said(f"a {user.role} may not register growing areas", "errors.api.growing.may_not_create",
                             role=user.role))
    settings = request.app.state.settings
    with tempfile.TemporaryDirectory(prefix="ntm-upload-") as tmp:
        folder = Path(tmp)
        path = await receive(request, folder, settings.growing_upload_max_mb << 20)
        path, display = await run_in_threadpool(_prepare, path, folder, settings)
        parsed = await run_in_threadpool(upload.read, path, display, settings)
        try:
            async with writing(request.app.state.engine, actor_of(user), settings) as conn:
                features = await upload.store(conn, user, parsed, settings)
        except UploadRejected as exc:  # a wrong zone shows as "outside the commune": say why, too
            if not parsed.crs_notes:
                raise
            return _with_crs_notes(growing_error(exc, scope_language(request.scope)), parsed.crs_notes)
    await zonal_text.upload_warnings(request.app.state.engine, settings, features, parsed.candidates,
                                     scope_language(request.scope) or "en")  # unsuitable land (issue 13)
    return JSONResponse({"file": display, "crs": parsed.crs, "crs_notes": parsed.crs_notes,
                         "ignored_fields": parsed.ignored_fields,
                         "stored": len(features), "features": features}, status_code=201)


def _with_crs_notes(response: JSONResponse, notes: list[dict]) -> JSONResponse:
    """The usual 422 body (api.errors) plus the file's CRS notes in vi and en."""
    body = json.loads(response.body)
    body["crs_notes"] = notes
    return JSONResponse(body, status_code=response.status_code)
