"""One household-writing transaction: who is acting, and the database's address rules (migration
0014) as the API's errors: a code never changes, a retired one never comes back or goes."""
from __future__ import annotations

from geo.said import Said
from layers.write.growing.errors import BadBody, Conflict
from layers.write.transaction import acting, pg_error, sqlstate

CONFLICTS = {
    "NT020": ("an address code never changes once given", "addresses_field.error.code_fixed"),
    "NT021": ("this household's code is retired: it never changes and is never reused",
              "addresses_field.error.retired_frozen"),
    "NT022": ("a household with a code is never deleted: retire it instead", "addresses_field.error.never_deleted"),
    "23505": ("that address code is taken; send the request again", "addresses_field.error.code_taken"),
}


def translate(exc) -> Exception | None:
    state = sqlstate(exc)
    if state in CONFLICTS:
        return Conflict(Said(*CONFLICTS[state]))
    if state in ("23503", "23514"):
        pg = pg_error(exc)
        rule = getattr(pg, "constraint_name", None) or ""
        return BadBody(Said(f"a value breaks a rule of the household record ({rule})",
                            "addresses_field.error.check", rule=rule))
    return None


def writing(engine, actor: str):
    """A transaction acting as `actor` (layers.write.transaction.acting)."""
    return acting(engine, actor, translate)
