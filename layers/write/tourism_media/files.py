"""Tourism photo files: made clean in a bounded worker (geo.photo_variants), stored by sha256.

Files live in `<NTM_HOME>/media/tourism/` as `<sha256>.webp` (full, long side ≤ 1,600 px),
`<sha256>-800.webp` (card) and `<sha256>-400.webp` (thumbnail), written to a temporary name and
renamed (layers.write.cooperatives.photos._write), so a reader never sees half a file. A name is
its content, so the files are served as immutable. A removed photo's row goes; its files stay
(history names them, and the same photo may be on another listing).
"""
from __future__ import annotations

import re
from pathlib import Path

from geo import photo_variants, photos
from geo.said import Said
from layers.workers.bounded import Unbounded, runner_for
from layers.write.cooperatives.photos import MAX_ALT, _write
from layers.write.growing.errors import BadBody, TooLarge

PROCESS_TIMEOUT_S = 20.0
NAME = re.compile(r"^([0-9a-f]{64})(-400|-800)?\.webp$")


def media_dir(settings) -> Path:
    return Path(settings.home) / "media" / "tourism"


def file_of(settings, name: str) -> Path | None:
    """The stored file a public name stands for, None when the name is not one of ours."""
    return media_dir(settings) / name if NAME.match(name) else None


def alt_text(value, required: bool, field: str) -> str | None:
    """One line of 1–300 characters; `alt_vi` is required, `alt_en` may be left out."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise BadBody(Said(f"{field} is required: describe the photo in a few words for people who cannot see it",
                               "tourism_share.photo.alt_required", field=field))
        return None
    if len(text) > MAX_ALT or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BadBody(Said(f"{field} must be one line of at most {MAX_ALT} characters", "tourism_share.photo.alt_long",
                           field=field, max=MAX_ALT))
    return text


async def prepare(settings, data: bytes) -> photo_variants.Variants:
    """The three clean sizes, made in a bounded worker (time and memory capped); 400/413 saying why not."""
    try:
        return await runner_for(settings).run(photo_variants.process, data, timeout=PROCESS_TIMEOUT_S)
    except photos.PhotoProblem as exc:
        error = TooLarge if exc.status == 413 else BadBody
        raise error(exc.args[0]) from None
    except Unbounded as exc:
        raise TooLarge(Said(f"the photo could not be processed within its limits ({exc.reason}: {exc}); "
                            "send a smaller image", "lots.photo.unbounded", reason=str(exc))) from None


def store(settings, variants: photo_variants.Variants) -> None:
    """The three files on disk (blocking: run it in a thread)."""
    folder = media_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    for size, data in variants.files.items():
        _write(folder / variants.name(size), data)


def urls(sha256: str) -> dict[str, str]:
    """The public paths of a photo's three sizes (api/routes/tourism_photos.py serves them)."""
    return {size: f"/media/tourism/{sha256}{suffix}.webp" for size, suffix in photo_variants.SUFFIX.items()}
