"""`ntm-map map LAYER... --out map.html`: a standalone folium map of chosen layers; `ntm-map
layers` lists them."""
from __future__ import annotations

import re
from pathlib import Path

import click

from api.cli.common import Fail, connect


@click.command("map")
@click.argument("layers", nargs=-1, required=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="HTML file to write.")
@click.option("--commune", help="Only features of this commune (5-digit code).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of layer names and field titles.")
@click.option("--offline/--online", default=True, show_default=True,
              help="Offline: Leaflet (from node_modules) is written into the file and commune boundaries "
                   "are the background, so it opens with no internet. Online: folium's default page, "
                   "which loads Leaflet from a CDN and OpenStreetMap tiles (needs internet).")
@click.option("--limit", type=click.IntRange(1), default=20000, show_default=True,
              help="At most this many features per layer (household points can be many).")
@click.pass_context
def map_command(ctx, layers, out, commune, lang, offline, limit) -> None:
    """Write a standalone folium map of LAYER... (see `ntm-map layers`) to --out.

    Only the public properties of each layer are written, as on the public web map.
    """
    from api.pages.folium_map import LeafletMissing, build_map
    from api.pages.static_files import vendor_dir
    from layers.read.public_features import UnknownCommune
    from layers.read.registry import BY_ID

    settings = ctx.obj
    unknown = [name for name in layers if name not in BY_ID]
    if unknown:
        raise Fail(f"unknown layer {', '.join(unknown)}; known layers: {', '.join(BY_ID)}")
    if commune is not None and not re.fullmatch(r"\d{5}", commune):
        raise Fail(f"--commune: a commune code is 5 digits (e.g. 17479), got {commune!r}")
    if not out.parent.is_dir():
        raise Fail(f"--out: the folder {out.parent} does not exist")
    try:
        with connect(settings) as conn:  # a clear message when the database is down
            m = build_map(conn, list(layers), commune=commune, lang=lang, offline=offline,
                          vendor_dir=vendor_dir(settings), limit=limit)
    except UnknownCommune as exc:
        raise Fail(f"--commune: {exc}") from None
    except LeafletMissing as exc:
        raise Fail(f"{exc} (--online)") from None
    m.save(str(out))
    click.echo(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {'offline' if offline else 'online: needs internet'})")


@click.command("layers")
def list_layers() -> None:
    """List the published layers of the registry."""
    from layers.read.registry import LAYERS

    for layer in LAYERS:
        click.echo(f"{layer.id:16} {layer.geometry_type:11} {layer.title_vi} / {layer.title_en}")
