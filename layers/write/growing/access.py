"""Who may touch which growing area: the role rules of geo.lifecycle plus the area scope.

An area outside the user's scope is a 403 even when the id was guessed, so ids are not secret
but nothing can be done with them.
"""
from __future__ import annotations

from geo import lifecycle
from geo.said import Said, said_of
from layers.write.accounts import area_covers
from layers.write.growing.errors import Conflict, Forbidden, Stale


# Roles that register and inspect areas see the owner's name and phone; viewers and tourism
# promoters read the same areas without them (DOMAIN.md: an owner's contact is personal data).
PERSONAL_ROLES = ("admin", "province_staff", "commune_staff")


def sees_personal(user) -> bool:
    return user.role in PERSONAL_ROLES


def covers(user, commune_code: str, province_code: str | None) -> bool:
    return area_covers(user.areas, commune_code, province_code, user.role)


def _areas(user) -> Said:
    areas = ", ".join(user.areas)
    return Said(areas, "errors.api.growing.areas", listed=areas) if areas else Said("none", "errors.api.growing.no_areas")


def outside(commune: str, user) -> Said:
    """A new area's commune lies outside the user's areas (403)."""
    areas = _areas(user)
    return Said(f"commune {commune} is outside the areas of {user.name} ({areas})", "errors.api.growing.commune_outside_of",
                commune=commune, name=user.name, areas=areas)


def check_scope(user, row) -> None:
    if not covers(user, row.commune_code, row.province_code):
        areas = _areas(user)
        raise Forbidden(Said(f"growing area {row.id} is in commune {row.commune_code}, outside the areas of "
                             f"{user.name} ({areas})", "errors.api.growing.area_outside", id=str(row.id),
                             commune=row.commune_code, name=user.name, areas=areas))


def check_edit(user, row) -> None:
    check_scope(user, row)
    try:
        ok = lifecycle.may_edit(user.role, row.status)
    except lifecycle.WrongStatus as exc:
        raise Conflict(said_of(exc)) from None
    if not ok:
        raise Forbidden(Said(f"a {user.role} may not edit a {row.status} growing area", "errors.api.growing.may_not_edit",
                             role=user.role, status=row.status))


def check_delete(user, row) -> None:
    check_scope(user, row)
    try:
        ok = lifecycle.may_delete(user.role, row.status)
    except lifecycle.WrongStatus as exc:
        raise Conflict(said_of(exc)) from None
    if not ok:
        raise Forbidden(Said(f"a {user.role} may not delete a {row.status} growing area",
                             "errors.api.growing.may_not_delete", role=user.role, status=row.status))


def check_version(if_match: str | None, row) -> int:
    """The version the request saw; '*' means whatever is current. Missing If-Match is the API's 428."""
    current = row.row_version
    if if_match is None or if_match.strip() == "*":
        return current
    from layers.write.growing.read import etag

    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    if etag(row.id, current) not in tags:
        raise Stale(Said(f"growing area {row.id} has changed since you read it (now {etag(row.id, current)}); "
                         "read it again and re-apply your change", "errors.api.growing.stale", id=str(row.id),
                         etag=etag(row.id, current)))
    return current
