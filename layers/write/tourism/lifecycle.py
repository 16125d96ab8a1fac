"""A tourism listing's lifecycle: which action leads from which status to which, and who takes it.

    draft ──submit──▶ submitted ──publish──▶ published ──unpublish──▶ unpublished
      ▲                  │                                                │
      └─────reject───────┘                    submitted ◀──────submit─────┘

A published listing stays up while a change to it waits: `publish` applies that pending revision,
`reject` discards it (the listing stays published as it was). The database refuses any other
status change (migration 0013, NTT01); this table says it in words first, with who may.
"""
from __future__ import annotations

from dataclasses import dataclass

from geo.vocabulary import TOURISM_ACTIONS, TOURISM_STATUSES, known

OWNER, MODERATOR = "owner", "moderator"


@dataclass(frozen=True)
class Step:
    action: str
    source: str
    target: str
    by: tuple[str, ...]  # OWNER (the listing's promoter) and/or MODERATOR (tourism staff, admin)
    revision: bool = False  # acts on a published listing's pending revision, status unchanged


STEPS = (
    Step("submit", "draft", "submitted", (OWNER, MODERATOR)),
    Step("submit", "unpublished", "submitted", (OWNER, MODERATOR)),
    Step("publish", "submitted", "published", (MODERATOR,)),
    Step("publish", "published", "published", (MODERATOR,), revision=True),
    Step("reject", "submitted", "draft", (MODERATOR,)),
    Step("reject", "published", "published", (MODERATOR,), revision=True),
    Step("unpublish", "published", "unpublished", (OWNER, MODERATOR)),
)
ACTIONS = tuple(TOURISM_ACTIONS)
known(TOURISM_ACTIONS, {s.action for s in STEPS}, "tourism steps")
known(TOURISM_STATUSES, {s.source for s in STEPS} | {s.target for s in STEPS}, "tourism step statuses")
# Statuses in which an owner's change is saved at once; a published listing's becomes a revision.
DIRECT = ("draft", "submitted", "unpublished")


def step(action: str, status: str, has_pending: bool) -> Step | None:
    """The step `action` takes from `status`, None when it takes none (a 409 for the caller)."""
    for s in STEPS:
        if s.action == action and s.source == status:
            if s.revision and not has_pending:
                return None
            return s
    return None


def actions_for(status: str, has_pending: bool, owner: bool, moderator: bool) -> list[str]:
    """The actions a person may take now (the staff page's buttons)."""
    out = []
    for s in STEPS:
        if s.source != status or s.action in out or (s.revision and not has_pending):
            continue
        if (owner and OWNER in s.by) or (moderator and MODERATOR in s.by):
            out.append(s.action)
    return out
