"""QR codes of a lot's URL for printed labels (segno: pure Python, no system library).

Labels live on boxes and crates handled in orchards, packing sheds and markets: scuffed, wet,
partly torn or covered by tape. So the error correction is level Q (a quarter of the symbol can
be lost and still read), raised further by segno when the same symbol size allows; H would make
the symbol larger for the same URL, which on a 25 mm label costs more readability (smaller
modules) than it buys. The quiet zone of 4 modules the QR specification asks for is part of the
image, so nothing printed next to it can touch the code.
"""
from __future__ import annotations

import io

import segno

from geo.said import Said

ERROR_LEVEL = "q"
QUIET_ZONE = 4  # modules of white around the symbol (ISO/IEC 18004)
MAX_URL = 512  # far more than a Digital Link URI needs; longer would not scan on a label anyway


class QRProblem(ValueError):
    """The URL cannot be put in a label's QR code; `key`/`values` name the catalogue entry."""

    ENGLISH = {
        "errors.labels.qr_empty": "there is no URL to put in the QR code",
        "errors.labels.qr_too_long": "the URL has {length} characters; a label's QR code takes at most {limit}",
    }

    def __init__(self, key: str, **values) -> None:
        self.key, self.values = key, values
        super().__init__(Said(self.ENGLISH[key].format(**values), key, **values))


def make(url: str) -> segno.QRCode:
    """The QR code of `url` (exactly those characters, byte mode when needed), level Q or better."""
    if not url:
        raise QRProblem("errors.labels.qr_empty")
    if len(url) > MAX_URL:
        raise QRProblem("errors.labels.qr_too_long", length=len(url), limit=MAX_URL)
    return segno.make_qr(url, error=ERROR_LEVEL, boost_error=True)


def modules(url: str) -> int:
    """Width of the printed image in modules, quiet zone included."""
    return make(url).symbol_size(border=QUIET_ZONE)[0]


def png(url: str, scale: int = 8) -> bytes:
    """A black-on-white 1-bit PNG, `scale` pixels a module, quiet zone included. Several pixels a
    module keep the edges sharp however a PDF viewer or printer driver resamples the image."""
    out = io.BytesIO()
    make(url).save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()
