"""Product photos: made clean in a bounded worker (geo.photos), stored as files named by sha256.

Files live in `<NTM_HOME>/media/` as `<sha256>.webp` (long side at most 1,600 px) and
`<sha256>-400.webp` (the thumbnail), written to a temporary name and renamed, so a reader never
sees half a file; the same photo uploaded twice is one pair of files. The content never changes
under a name, so they are served as immutable. Removing a product's photo removes the reference
only: history may still name the file, and a file is never rewritten.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from geo import photos
from geo.said import Said
from layers.workers.bounded import Unbounded, runner_for
from layers.write.growing.errors import BadBody, TooLarge

PROCESS_TIMEOUT_S = 20.0  # decoding, turning and encoding one photo in a worker
NAME = re.compile(r"^([0-9a-f]{64})(-400)?\.webp$")
MAX_ALT = 300


def media_dir(settings) -> Path:
    return Path(settings.home) / "media"


def file_of(settings, name: str) -> Path | None:
    """The stored file a public name stands for, None when the name is not one of ours."""
    return media_dir(settings) / name if NAME.match(name) else None


def alt_text(value) -> str:
    """The alt text people hear or read instead of the photo: required, one line, 1–300 characters."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise BadBody(Said("alt is required: describe the photo in a few words for people who cannot see it",
                           "lots.photo.alt_required"))
    if len(text) > MAX_ALT or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BadBody(Said(f"alt must be one line of at most {MAX_ALT} characters", "lots.photo.alt_long",
                           max=str(MAX_ALT)))
    return text


async def prepare(settings, data: bytes) -> photos.Photo:
    """The clean photo, made in a bounded worker (time and memory capped); 400/413 saying why not."""
    try:
        return await runner_for(settings).run(photos.process, data, timeout=PROCESS_TIMEOUT_S)
    except photos.PhotoProblem as exc:
        error = TooLarge if exc.status == 413 else BadBody
        raise error(exc.args[0]) from None
    except Unbounded as exc:
        raise TooLarge(Said(f"the photo could not be processed within its limits ({exc.reason}: {exc}); "
                            "send a smaller image", "lots.photo.unbounded", reason=str(exc))) from None


def _write(path: Path, data: bytes) -> None:
    if path.exists():
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store(settings, photo: photos.Photo) -> None:
    """Both files on disk (blocking: run it in a thread)."""
    folder = media_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / f"{photo.sha256}.webp", photo.full)
    _write(folder / f"{photo.sha256}-400.webp", photo.thumb)
