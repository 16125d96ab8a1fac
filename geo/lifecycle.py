"""The growing-area lifecycle: which step leads where, and who may take it (no DB here).

draft → submitted → inspected → granted → suspended / revoked / expired; a suspended area is
reinstated to granted; renewal extends the validity of a granted or expired area (an expired
one becomes granted again, keeping its code). Expiry itself happens by date, not by a person.

Who: commune staff create, edit, delete and submit drafts in their commune; once submitted the
province owns the record: province staff edit, inspect, grant, suspend, reinstate, revoke and
renew in their province (and may draft too); admins do everything. The area check (commune or
province scope) is the caller's: this module only knows roles.
"""
from __future__ import annotations

from dataclasses import dataclass

from geo.said import Said
from geo.vocabulary import GROWING_ACTIONS, GROWING_STATUSES, ROLES, known

STATUSES = tuple(GROWING_STATUSES)
# Statuses that hold ground: another area may not overlap these (enforced in the database).
ACTIVE = ("submitted", "inspected", "granted", "suspended")
# Statuses whose fields may still be edited, and by whom.
EDITABLE = {"draft": ("commune_staff", "province_staff"), "submitted": ("province_staff",),
            "inspected": ("province_staff",), "granted": ("province_staff",),
            "suspended": ("province_staff",)}
DELETABLE = ("draft", "submitted")


@dataclass(frozen=True)
class Step:
    action: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]  # besides admin


STEPS: dict[str, Step] = {s.action: s for s in (
    Step("submit", ("draft",), "submitted", ("commune_staff", "province_staff")),
    Step("inspect", ("submitted",), "inspected", ("province_staff",)),
    Step("grant", ("inspected",), "granted", ("province_staff",)),
    Step("suspend", ("granted",), "suspended", ("province_staff",)),
    Step("reinstate", ("suspended",), "granted", ("province_staff",)),
    Step("revoke", ("granted", "suspended", "expired"), "revoked", ("province_staff",)),
    Step("renew", ("granted", "expired"), "granted", ("province_staff",)),
)}
ACTIONS = tuple(STEPS)


def _check_vocabulary() -> None:
    """Steps, statuses and roles are geo.vocabulary's: a renamed code fails here, at import."""
    if ACTIONS != tuple(GROWING_ACTIONS):
        raise ValueError(f"lifecycle steps {ACTIONS} are not geo.vocabulary's actions {tuple(GROWING_ACTIONS)}")
    for s in STEPS.values():
        known(GROWING_STATUSES, (*s.sources, s.target), f"step {s.action}")
        known(ROLES, s.roles, f"step {s.action}")
    known(GROWING_STATUSES, (*ACTIVE, *EDITABLE, *DELETABLE), "lifecycle statuses")
    known(ROLES, {r for roles in EDITABLE.values() for r in roles}, "lifecycle editors")


_check_vocabulary()


class NotAllowed(Exception):
    """The role may not take this step (403)."""


class WrongStatus(Exception):
    """The step does not start from this status (409)."""


def step(action: str, status: str, role: str) -> Step:
    """The step to take, or NotAllowed / WrongStatus / KeyError (unknown action)."""
    s = STEPS[action]
    if role != "admin" and role not in s.roles:
        roles = Said(" or ".join(s.roles), "errors.api.growing.any_of", listed=", ".join(s.roles))
        raise NotAllowed(Said(f"a {role} may not {action} a growing area; {roles} in the area's scope may",
                              "errors.api.growing.may_not_act", role=role, action=action, roles=roles))
    if status not in s.sources:
        sources = Said(" or ".join(s.sources), "errors.api.growing.any_of", listed=", ".join(s.sources))
        raise WrongStatus(Said(f"cannot {action} a {status} growing area; only a {sources} one",
                               "errors.api.growing.wrong_status", action=action, status=status, sources=sources))
    return s


def may_create(role: str) -> bool:
    return role in ("admin", "commune_staff", "province_staff")


def may_edit(role: str, status: str) -> bool:
    """Edit fields or boundary. Raises WrongStatus for a closed (revoked/expired) record."""
    if status not in EDITABLE:
        raise WrongStatus(Said(f"a {status} growing area cannot be edited; renew or register a new one",
                               "errors.api.growing.closed_edit", status=status))
    return role == "admin" or role in EDITABLE[status]


def may_delete(role: str, status: str) -> bool:
    """Only drafts and submissions disappear; a granted area is revoked instead (its code stays)."""
    if status not in DELETABLE:
        raise WrongStatus(Said(f"a {status} growing area cannot be deleted: revoke it instead, so its "
                               "code stays on record and is never reused", "errors.api.growing.closed_delete",
                               status=status))
    return role == "admin" or role in EDITABLE[status]


def allowed_actions(status: str, role: str) -> list[str]:
    """What the staff pages offer as buttons."""
    return [a for a, s in STEPS.items() if status in s.sources and (role == "admin" or role in s.roles)]
