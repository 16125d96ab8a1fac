"""What a growing-area write can fail with; the API maps each to one status code."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from geo.area_rules import Problem


class GrowingError(Exception):
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadBody(GrowingError):
    """The request is malformed or sets a field nobody may set (400)."""


class NotFound(GrowingError):
    status = 404


class Forbidden(GrowingError):
    status = 403


class Conflict(GrowingError):
    """Not allowed from the current status (409)."""
    status = 409


class Stale(GrowingError):
    """If-Match names a version that is no longer current (412)."""
    status = 412


class PreconditionRequired(GrowingError):
    """A change without If-Match (428): it could overwrite someone else's edit unseen."""
    status = 428


class TooLarge(GrowingError):
    status = 413


class RuleFailure(GrowingError):
    """One or more validation rules failed (422); `problems` says which and where."""
    status = 422

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message if len(problems) == 1 else
                         f"{len(problems)} rules failed: " + "; ".join(p.message for p in problems))
        self.problems = problems


class UploadRejected(GrowingError):
    """Some features of an upload failed; nothing was stored (422 with a per-feature report)."""
    status = 422

    def __init__(self, message: str, report: list[dict]):
        super().__init__(message)
        self.report = report


# --- what a problem says, as a catalogue key and its values -----------------------------------
# A Problem's `message` is English for logs and API clients that read it; people read the
# catalogue's text (api/i18n/messages/staff.json, "staff.problem.*") in their language, filled
# with these values. A database rule names the other area by its code and status, never its id.

@dataclass(frozen=True)
class AreaProblem(Problem):
    """A rule the database enforces (overlap, containment), with what it named in DETAIL."""
    detail: dict = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict:
        out = super().as_dict()
        other = {k: v for k, v in self.detail.items() if v is not None}
        if other:
            out["other"] = other  # the other area's code and status, or the commune: for the page's words
        return out


def db_problem(rule: str, message: str, where: dict | None, detail: dict) -> Problem:
    keep = {k: detail.get(k) for k in ("other_code", "other_status", "commune")}
    return AreaProblem(rule, message, where, keep)


_NUMBER = r"([0-9][0-9,]*(?:\.[0-9]+)?)"
# (rule or None for any, pattern on the English message, key, value names in group order)
_PATTERNS: list[tuple[str | None, re.Pattern, str, tuple[str, ...]]] = [(r, re.compile(p), k, v) for r, p, k, v in (
    (None, r"^the feature has no geometry", "no_geometry", ()),
    (None, r"^a growing area is a Polygon or MultiPolygon, not a (\w+)", "not_polygon", ("type",)),
    (None, r"^the polygon has (\d+) vertices; at most (\d+)", "too_many_vertices", ("n", "max")),
    (None, r"^coordinates are not finite numbers", "not_finite", ()),
    (None, r"^coordinates .* are not longitude/latitude", "not_lonlat", ()),
    (None, r"^invalid polygon that cannot be repaired \((.*)\)$", "unrepairable", ("reason",)),
    # layers.write.growing.shapes.too_complex: the bound that stopped the repair (layers.workers.bounded)
    (None, rf"^the boundary is too complex to repair \(it reached its memory cap of {_NUMBER} MB\)",
     "too_complex_memory", ("max",)),
    (None, rf"^the boundary is too complex to repair \(it took more than {_NUMBER} s\)", "too_complex_time", ("n",)),
    (None, rf"^the boundary is too complex to repair \(it crosses itself in more than {_NUMBER} places\)",
     "too_complex_crossings", ("n",)),
    (None, r"^the boundary is too complex to repair \(its worker process died\)", "too_complex_died", ()),
    (None, r"^the polygon has no area", "no_area", ()),
    (None, rf"^the area is {_NUMBER} ha; at most {_NUMBER} ha", "over_max_area", ("area", "max")),
    (None, r"^address or commune_code is required", "need_place", ()),
    (None, r"^(\w+) is required", "required", ("field",)),
    (None, r"^unknown crop '(.*)'; known crops", "unknown_crop", ("crop",)),
    (None, rf"^{_NUMBER} ha is below the {_NUMBER} ha minimum for (\w+)", "below_minimum", ("area", "min", "crop")),
    (None, r"^no current commune has the code (\S+)", "no_commune", ("commune",)),
    (None, r"^the area lies in no commune", "in_no_commune", ()),
    (None, r"^overlaps feature (\d+) of the same file", "overlaps_feature", ("n",)),
    ("outside_commune", rf"^the area reaches more than {_NUMBER} m outside commune (\S+)", "outside_commune",
     ("m", "commune")),
    ("overlap", rf"^the area overlaps (\w+) growing area \d+ by more than {_NUMBER}", "overlap",
     ("other_status", "m2")),
)]


def explain(problem: Problem) -> tuple[str, dict]:
    """("staff.problem.<name>", values) for a problem; names are the catalogue's keys.

    Numbers stay numbers (the caller formats them in the page's language); a problem no pattern
    knows keeps its English text as `detail` under the rule's own key.
    """
    for rule, pattern, name, names in _PATTERNS:
        if rule not in (None, problem.rule):
            continue
        found = pattern.search(problem.message)
        if found:
            values = dict(zip(names, found.groups()))
            for k in ("area", "max", "min", "m", "m2", "n"):
                if k in values:
                    values[k] = float(values[k].replace(",", ""))
            if isinstance(problem, AreaProblem):
                values.update({k: v for k, v in problem.detail.items() if v is not None})
            if name == "overlap":
                name = "overlap_code" if values.get("other_code") else "overlap_uncoded"
            return f"staff.problem.{name}", values
    return f"staff.problem.other.{problem.rule}", {"detail": problem.message}


# A file that cannot be read as growing areas (400): what the reader is told, by the same means.
_FILE_PATTERNS: list[tuple[re.Pattern, str, tuple[str, ...]]] = [(re.compile(p), k, v) for p, k, v in (
    (r"^(.+?): upload a Shapefile \.zip, \.kml", "file_type", ("file",)),
    (r"^(.+?) holds no features$", "file_empty", ("file",)),
    (r"^(.+?): (?:cannot be opened as a vector file|is not a readable|cannot be read to the end|cannot read layer)",
     "file_unreadable", ("file",)),
    (r"^(.+?): holds (?:no vector file|several vector files)", "file_zip", ("file",)),
    (r"^(.+?): has several layers", "file_layers", ("file",)),
    (r"^(.+?): has no geometry column", "file_no_geometry", ("file",)),
    (r"^no file in the form field", "file_missing", ()),
)]


def explain_file(message: str) -> tuple[str, dict] | None:
    """("staff.problem.file_*", values) for an unreadable upload, None for any other 400."""
    for pattern, name, names in _FILE_PATTERNS:
        found = pattern.search(message)
        if found:
            return f"staff.problem.{name}", dict(zip(names, found.groups()))
    return None
