"""Harvests ntm-map's DCAT catalog with ckanext-dcat's own parser, as a CKAN harvest would.

Runs inside the throwaway venv of .ci/ckan-harvest-check.sh (ckan + ckanext-dcat installed; no
CKAN database or config is needed: the parser returns the dataset dicts a harvest would create).
Checks, for each serialisation: every dataset has a licence CKAN knows (`license_id`), every
resource a format label (not a URL) and a media type. Prints what it read; exits 1 on a failure.
"""
from __future__ import annotations

import collections
import os
import sys
from pathlib import Path

from ckanext.dcat.processors import RDFParser

FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}


def check(path: Path) -> list[str]:
    parser = RDFParser()  # the default profile: euro_dcat_ap_3
    parser.parse(path.read_text(), _format=FORMATS[path.suffix.lstrip(".")])
    problems, labels, licences, n = [], collections.Counter(), collections.Counter(), 0
    for ds in parser.datasets():
        n += 1
        licences[ds.get("license_id") or "(none)"] += 1
        if not ds.get("license_id"):
            problems.append(f"{ds['title']}: no licence")
        extras = {e["key"]: e["value"] for e in ds.get("extras", [])}
        if not (extras.get("spatial_bbox") or extras.get("spatial")):
            problems.append(f"{ds['title']}: no spatial extent")
        for res in ds["resources"]:
            fmt, mime = res.get("format"), res.get("mimetype")
            labels[(fmt, mime)] += 1
            if not fmt or "://" in fmt:
                problems.append(f"{ds['title']} / {res.get('name')}: format {fmt!r} is not a label")
            if not mime or "://" in mime:
                problems.append(f"{ds['title']} / {res.get('name')}: mimetype {mime!r}")
    print(f"{path.name}: {n} datasets, licences {dict(licences)}")
    for (fmt, mime), count in sorted(labels.items(), key=lambda kv: str(kv[0])):
        print(f"  {count:3d} resources  format={fmt!r}  mimetype={mime!r}")
    if n == 0:
        problems.append("no dataset parsed")
    return problems


def shacl(path: Path, shapes: Path) -> list[str]:
    """With DCAT_AP_SHAPES set (the DCAT-AP 3 SHACL file, e.g. releases/3.0.0/shacl/dcat-ap-SHACL.ttl
    of SEMICeu/DCAT-AP; not shipped here): pyshacl, no inference and no vocabularies loaded."""
    from pyshacl import validate
    from rdflib import Graph

    conforms, _, text = validate(Graph().parse(path), shacl_graph=Graph().parse(shapes), inference="none")
    print(f"{path.name}: DCAT-AP SHACL ({shapes.name}) conforms: {conforms}")
    return [] if conforms else [f"{path.name}: SHACL\n{text[:4000]}"]


def main() -> int:
    problems = [p for arg in sys.argv[1:] for p in check(Path(arg))]
    if os.environ.get("DCAT_AP_SHAPES"):
        problems += shacl(Path(sys.argv[1]), Path(os.environ["DCAT_AP_SHAPES"]))
    for p in problems:
        print("FAIL", p)
    print("ckan harvest check:", "FAILED" if problems else "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
