"""What a growing-area write can fail with; the API maps each to one status code."""
from __future__ import annotations

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
