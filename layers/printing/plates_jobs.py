"""What a plate-printing worker runs (layers.workers.bounded). The worker imports this module
before it says it is ready, so fpdf2, segno and the fonts' code load outside its memory cap. No
database here: the caller reads the rows and hands over plain values (geo.plates.Plate)."""
from __future__ import annotations

from geo import plates
from layers.printing.jobs import memory


def plate_sheets(path: str, items: list[plates.Plate], title: str) -> dict:
    """`items` as plates, eight to an A4 page, written to `path` (the caller's temporary file).
    Returns the pages and bytes written and the job's memory."""
    before = memory(reset_peak=True)
    data = plates.render(items, title=title)
    with open(path, "wb") as out:
        out.write(data)
    return {"pages": -(-len(items) // plates.PER_PAGE), "bytes": len(data), "rss_before_mb": before["rss_mb"],
            **memory()}
