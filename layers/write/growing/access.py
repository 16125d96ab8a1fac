"""Who may touch which growing area: the role rules of geo.lifecycle plus the area scope.

An area outside the user's scope is a 403 even when the id was guessed, so ids are not secret
but nothing can be done with them.
"""
from __future__ import annotations

from geo import lifecycle
from layers.write.accounts import area_covers
from layers.write.growing.errors import Conflict, Forbidden, Stale


# Roles that register and inspect areas see the owner's name and phone; viewers and tourism
# promoters read the same areas without them (DOMAIN.md: an owner's contact is personal data).
PERSONAL_ROLES = ("admin", "province_staff", "commune_staff")


def sees_personal(user) -> bool:
    return user.role in PERSONAL_ROLES


def covers(user, commune_code: str, province_code: str | None) -> bool:
    return area_covers(user.areas, commune_code, province_code, user.role)


def check_scope(user, row) -> None:
    if not covers(user, row.commune_code, row.province_code):
        raise Forbidden(f"growing area {row.id} is in commune {row.commune_code}, outside the areas of "
                        f"{user.name} ({', '.join(user.areas) or 'none'})")


def check_edit(user, row) -> None:
    check_scope(user, row)
    try:
        ok = lifecycle.may_edit(user.role, row.status)
    except lifecycle.WrongStatus as exc:
        raise Conflict(str(exc)) from None
    if not ok:
        raise Forbidden(f"a {user.role} may not edit a {row.status} growing area")


def check_delete(user, row) -> None:
    check_scope(user, row)
    try:
        ok = lifecycle.may_delete(user.role, row.status)
    except lifecycle.WrongStatus as exc:
        raise Conflict(str(exc)) from None
    if not ok:
        raise Forbidden(f"a {user.role} may not delete a {row.status} growing area")


def check_version(if_match: str | None, row) -> int:
    """The version the request saw; '*' means whatever is current. Missing If-Match is the API's 428."""
    current = row.row_version
    if if_match is None or if_match.strip() == "*":
        return current
    from layers.write.growing.read import etag

    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    if etag(row.id, current) not in tags:
        raise Stale(f"growing area {row.id} has changed since you read it (now {etag(row.id, current)}); "
                    "read it again and re-apply your change")
    return current
