"""The OpenAPI 3.0 definition at /api. FastAPI writes 3.1; OGC API - Features asks for 3.0, which
GDAL and validators read.

The differences that FastAPI output uses are few: `anyOf [X, {type: null}]` becomes
`nullable: true`, `examples` lists become one `example`, and `const` becomes a one-value enum.
"""
from __future__ import annotations

import copy

from api.openapi.describe import OAS30, describe

__all__ = ["OAS30", "document", "downgrade"]


def _fix(node):
    if isinstance(node, dict):
        any_of = node.get("anyOf")
        if isinstance(any_of, list) and any(s == {"type": "null"} for s in any_of):
            rest = [s for s in any_of if s != {"type": "null"}]
            node.pop("anyOf")
            if len(rest) == 1:
                node.update(rest[0])
            else:
                node["anyOf"] = rest
            node["nullable"] = True
        if node.get("type") == "null":
            node.pop("type")
            node["nullable"] = True
        if "const" in node:
            node["enum"] = [node.pop("const")]
        if isinstance(node.get("examples"), list) and "paths" not in node:
            examples = node.pop("examples")
            if examples:
                node["example"] = examples[0]
        for value in list(node.values()):
            _fix(value)
    elif isinstance(node, list):
        for item in node:
            _fix(item)
    return node


def downgrade(doc: dict) -> dict:
    out = _fix(copy.deepcopy(doc))
    out["openapi"] = "3.0.3"
    return out


def document(app) -> dict:
    """The definition /api serves: FastAPI's, in 3.0, with what it cannot infer (api.openapi.describe).
    Built once per app: routes do not change after start."""
    doc = getattr(app.state, "openapi30", None)
    if doc is None:
        doc = app.state.openapi30 = describe(downgrade(app.openapi()), app)
    return doc
