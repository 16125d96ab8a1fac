"""Each case's fixed list (bench/cases/) as URLs, in the form each server (ntm-map, TiPg) wants."""
from __future__ import annotations

from urllib.parse import urlencode

from bench import cases as C
from layers.read.registry import get as get_layer

GA_PUBLIC = "status IN ('granted','suspended','revoked','expired')"


def tile_paths(server: str) -> list[tuple[str, str]]:
    """(layer, path) for every tile of the fixed list, in the form `server` wants."""
    out = []
    for layer_id, z, x, y in C.read_tiles():
        if server == "ntm":
            out.append((layer_id, f"/collections/{layer_id}/tiles/WebMercatorQuad/{z}/{x}/{y}"))
        else:
            layer = get_layer(layer_id)
            q = {"properties": ",".join(layer.property_names)}
            if layer.public_filter:
                q["filter"] = GA_PUBLIC  # the same rows ntm-map publishes
            out.append((layer_id, f"/collections/public.{layer.table}/tiles/WebMercatorQuad/{z}/{x}/{y}?"
                                  + urlencode(q, safe=",")))
    return out


def item_paths(server: str, limit: int) -> list[tuple[str, str]]:
    layer = get_layer("households")
    out = []
    for box in C.read_bboxes():
        bbox = ",".join(f"{v:.6f}" for v in box)
        if server == "ntm":
            out.append(("households", f"/collections/households/items?bbox={bbox}&limit={limit}"))
        else:
            q = urlencode({"bbox": bbox, "limit": limit, "properties": ",".join(layer.property_names)},
                          safe=",")
            out.append(("households", f"/collections/public.households/items?{q}"))
    return out
