"""Helpers for driving the MapLibre map of a page (window.ntmMap) from tests."""
from __future__ import annotations

import psycopg

IDLE = "document.body.dataset.mapState === 'idle'"


def open_map(page, url: str) -> None:
    """Go to `url` and wait until the map has drawn everything it asked for."""
    page.goto(url)
    page.wait_for_function(f"{IDLE} || document.body.dataset.mapState === 'failed'", timeout=60000)
    assert page.evaluate("document.body.dataset.mapState") == "idle", "the map failed to start"


def settle(page) -> None:
    """Wait for the next idle after a change (moves, visibility, filters)."""
    page.evaluate("() => new Promise((done) => { ntmMap.once('idle', done); ntmMap.triggerRepaint(); })")


def rendered(page, *layers: str) -> list[dict]:
    """Properties of the features drawn now in these style layers."""
    return page.evaluate(
        "(layers) => ntmMap.queryRenderedFeatures({layers}).map((f) => ({...f.properties, _id: f.id}))",
        list(layers))


def jump(page, lon: float, lat: float, zoom: float) -> None:
    page.evaluate("([lon, lat, zoom]) => ntmMap.jumpTo({center: [lon, lat], zoom})", [lon, lat, zoom])
    settle(page)


def pixel(page, lon: float, lat: float) -> tuple[float, float]:
    """Page coordinates of a lon/lat on the map canvas."""
    return tuple(page.evaluate("""([lon, lat]) => {
        const p = ntmMap.project([lon, lat]);
        const box = ntmMap.getCanvas().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", [lon, lat]))


def one(db_url: str, query: str, params: tuple = ()):
    with psycopg.connect(db_url) as conn:
        return conn.execute(query, params).fetchone()
