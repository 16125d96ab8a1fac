"""Place, move, verify, split, merge and retire household points; edit their personal fields.

Each runs inside one transaction acting as the user (layers.write.households.session): the row
is locked, its version compared with If-Match, and the UPDATE repeats the version in its WHERE,
so two phones holding the same ETag cannot both win. The database keeps the rules that must never
break (a code never changes, a retired one never comes back: migration 0014). Personal fields go
to `private.household_private` only, and each edit of them is recorded (access.record).
"""
from __future__ import annotations

from sqlalchemy import insert, select, text, update

from geo import address_code
from geo.area_rules import Problem
from geo.said import Said
from layers.db.models.households import HouseholdPrivate
from layers.write.growing.errors import BadBody, Conflict, RuleFailure, Stale
from layers.write.households import access, codes, fields, read

PRIVATE_TABLE = HouseholdPrivate.__table__
_POINT = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
# The village holding the point, up to `ntm-map check`'s 5 m for a point on a village line
# (layers.jobs.checks.run.POINT_TOLERANCE_M); none when no village of the commune holds it.
_VILLAGE = text(
    f"SELECT id FROM villages WHERE commune_code = :commune AND geom && ST_Expand({_POINT}, 0.0001) "
    f"AND ST_DWithin(geom::geography, {_POINT}::geography, 5) ORDER BY ST_Distance(geom, {_POINT}) LIMIT 1")
_INSERT = text(
    "INSERT INTO households (address_code, plus_code, village_id, commune_code, geom, verified_at) "
    f"VALUES (:code, :plus, :village, :commune, {_POINT}, CASE WHEN :verified THEN now() END) RETURNING id")
CREATE_BODY = {"point", "village_id", "private", "verified"}
EDIT_BODY = {"point", "village_id", "private", "verified"}


async def _village(conn, commune: str, lon: float, lat: float, given) -> int | None:
    """The village named (it must be the commune's) or the one holding the point."""
    if given is not None:
        if isinstance(given, bool) or not isinstance(given, int):
            raise BadBody(Said("village_id must be a village's id (a number)", "addresses_field.error.village_id"))
        found = (await conn.execute(text("SELECT commune_code FROM villages WHERE id = :id"), {"id": given})).first()
        if found is None or found.commune_code != commune:
            raise RuleFailure([Problem("village_commune", Said(f"village {given} is not in commune {commune}",
                                                               "addresses_field.problem.village", id=str(given),
                                                               commune=commune))])
        return given
    return (await conn.execute(_VILLAGE, {"commune": commune, "lon": lon, "lat": lat})).scalar()


async def save_private(conn, user, household_id: int, values: dict) -> bool:
    """Set the given personal fields (others unchanged) and record the edit; True when any changed."""
    if not values:
        return False
    t = PRIVATE_TABLE
    row = (await conn.execute(select(t).where(t.c.household_id == household_id).with_for_update())).first()
    if row is None:
        if all(v is None for v in values.values()):
            return False
        await conn.execute(insert(t).values(household_id=household_id, **values))
    elif all(getattr(row, k) == v for k, v in values.items()):
        return False
    else:
        await conn.execute(update(t).where(t.c.household_id == household_id).values(**values))
    await access.record(conn, user, "edit", [household_id], ",".join(sorted(values)))
    return True


def _verified(body: dict) -> bool | None:
    value = body.get("verified")
    if value is not None and not isinstance(value, bool):
        raise BadBody(Said("verified is true or false", "addresses_field.error.verified"))
    return value


async def create(conn, user, raw, tolerance_m: float) -> int:
    """A new household point with its code; returns its id."""
    access.may_write(user)
    body = fields.body_of(raw, CREATE_BODY)
    if "point" not in body:
        raise BadBody(Said("a new household needs its point", "addresses_field.error.point_missing"))
    lon, lat, _accuracy, _source = fields.point(body["point"])
    personal, verified = fields.private(body.get("private")), _verified(body)
    commune = await access.commune_for(conn, user, lon, lat, tolerance_m)
    village = await _village(conn, commune, lon, lat, body.get("village_id"))
    code, plus = await codes.new_codes(conn, lon, lat)
    new_id = (await conn.execute(_INSERT, {"code": code, "plus": plus, "village": village, "commune": commune,
                                           "lon": lon, "lat": lat, "verified": bool(verified)})).scalar_one()
    await save_private(conn, user, new_id, personal)
    return new_id


async def _locked(conn, user, household_id: int, if_match: str):
    access.may_write(user)
    row = await read.one(conn, household_id, lock=True)
    access.check_scope(user, row)
    if row.status != "active":
        raise Conflict(Said(f"household {row.address_code} is retired; its code is never used again",
                            "addresses_field.error.retired", code=row.address_code))
    return row, access.check_version(if_match, row)


async def _update(conn, row, version: int, sets: list[str], params: dict) -> None:
    sets = sets or ["updated_at = now()"]  # a personal-only edit still moves the version: If-Match sees it
    done = await conn.execute(text(f"UPDATE households SET {', '.join(sets)} WHERE id = :id AND row_version = :v "
                                   "RETURNING id"), {**params, "id": row.id, "v": version})
    if done.first() is None:
        raise Stale(Said(f"household {row.address_code} changed while this request ran; read it again",
                         "addresses_field.error.changed_meanwhile", code=row.address_code))


async def edit(conn, user, household_id: int, raw, if_match: str, tolerance_m: float) -> None:
    """Move the point, set its village, mark it verified (or not), change its personal fields."""
    body = fields.body_of(raw, EDIT_BODY)
    row, version = await _locked(conn, user, household_id, if_match)
    personal, verified = fields.private(body.get("private")), _verified(body)
    sets, params = [], {}
    if "point" in body:
        lon, lat, _accuracy, _source = fields.point(body["point"])
        commune = await access.commune_for(conn, user, lon, lat, tolerance_m)
        village = await _village(conn, commune, lon, lat, body.get("village_id"))
        sets += [f"geom = {_POINT}", "commune_code = :commune", "village_id = :village"]
        params.update(lon=lon, lat=lat, commune=commune, village=village)
        if verified is None:
            verified = False  # a moved point has to be checked again
    elif "village_id" in body:
        sets.append("village_id = :village")
        params["village"] = await _village(conn, row.commune_code, row.lon, row.lat, body["village_id"])
    if verified is True:
        sets.append("verified_at = now()")
    elif verified is False and row.verified_at is not None:
        sets.append("verified_at = NULL")
    await _update(conn, row, version, sets, params)
    await save_private(conn, user, household_id, personal)


def _code(value, name: str) -> str:
    if not isinstance(value, str):
        raise BadBody(Said(f"{name} must be an address code", "addresses_field.error.code_field", field=name))
    try:
        return address_code.normalize(value)
    except ValueError as exc:
        raise BadBody(exc.args[0]) from None


async def retire(conn, user, household_id: int, raw, if_match: str) -> None:
    """Retire a code for good, optionally naming the code that replaces it."""
    body = fields.body_of(raw, {"successor_code"})
    row, version = await _locked(conn, user, household_id, if_match)
    successor = None
    if body.get("successor_code") is not None:
        other = await read.by_code(conn, _code(body["successor_code"], "successor_code"))
        _check_pair(user, row, other)
        successor = other.address_code
    await _update(conn, row, version, ["status = 'retired'", "retired_at = now()", "successor_code = :successor"],
                  {"successor": successor})


def _check_pair(user, row, other) -> None:
    if other.id == row.id:
        raise Conflict(Said("a household cannot replace itself", "addresses_field.error.same_household"))
    if other.status != "active":
        raise Conflict(Said(f"household {other.address_code} is retired and cannot take over",
                            "addresses_field.error.successor_retired", code=other.address_code))
    if other.commune_code != row.commune_code:
        raise Conflict(Said(f"households {row.address_code} and {other.address_code} are in different communes "
                            f"({row.commune_code}, {other.commune_code}): they are not duplicates",
                            "addresses_field.error.two_communes", code=row.address_code, other=other.address_code,
                            commune=row.commune_code, other_commune=other.commune_code))
    access.check_scope(user, other)


async def merge(conn, user, household_id: int, raw, if_match: str) -> int:
    """`household_id` is a duplicate of `into`: it retires with `into` as its successor, and the
    personal fields `into` lacks are taken from it. Returns the kept household's id."""
    body = fields.body_of(raw, {"into"})
    if body.get("into") is None:
        raise BadBody(Said("say which household to keep: {\"into\": \"its address code\"}",
                           "addresses_field.error.merge_into"))
    target = await read.by_code(conn, _code(body["into"], "into"))
    first, second = sorted((household_id, target.id))
    await conn.execute(text("SELECT id FROM households WHERE id IN (:a, :b) ORDER BY id FOR UPDATE"),
                       {"a": first, "b": second})  # both rows, in id order: two opposite merges cannot deadlock
    row, version = await _locked(conn, user, household_id, if_match)
    kept = await read.one(conn, target.id)
    _check_pair(user, row, kept)
    mine, theirs = await read.personal(conn, row.id), await read.personal(conn, kept.id)
    fill = {k: v for k, v in mine.items() if v is not None and theirs.get(k) is None}
    await _update(conn, row, version, ["status = 'retired'", "retired_at = now()", "successor_code = :successor"],
                  {"successor": kept.address_code})
    if fill:
        await conn.execute(text("UPDATE households SET updated_at = now() WHERE id = :id"), {"id": kept.id})
        await save_private(conn, user, kept.id, fill)
        await access.record(conn, user, "read", [row.id], ",".join(sorted(fill)))
    return kept.id


async def split(conn, user, household_id: int, raw, if_match: str, tolerance_m: float) -> int:
    """One point held two households: the second gets its own point and code; returns its id.
    The first keeps its code (its plate stays right) and is unchanged but for its version."""
    body = fields.body_of(raw, CREATE_BODY)
    row, version = await _locked(conn, user, household_id, if_match)
    point = body.get("point") or {"lon": row.lon, "lat": row.lat, "source": "map"}
    new_id = await create(conn, user, {**body, "point": point}, tolerance_m)
    await _update(conn, row, version, [], {})
    return new_id
