"""Privacy rules for open data: small counts suppressed, personal fields refused by name.

Household data leaves only as counts per village and commune; a count between 1 and the
threshold minus one is published as NULL (statistical offices suppress cells with fewer than
3–10 contributors; DOMAIN.md). Zero stays zero: it reveals nobody. The name guard is a second
line behind the registry: a dataset that ever gained a personal field would fail to publish.
"""
from __future__ import annotations

import sqlalchemy as sa

# Columns of private.household_private and their usual spellings: never a field of open data.
PERSONAL_FIELDS = frozenset({
    "head_name", "full_name", "owner_name", "person_name", "national_id", "id_number", "cccd", "cmnd",
    "household_size", "household_members", "poverty_status", "poverty", "poor",
    "near_poor", "monthly_income_vnd", "income", "monthly_income", "phone_number", "mobile",
})
# Public by design on places and cooperatives (a business phone, a cooperative's member count),
# never on anything derived from households.
HOUSEHOLD_FORBIDDEN = PERSONAL_FIELDS | {"phone", "email", "members"}


class PrivacyError(ValueError):
    """A dataset would publish a personal field."""


def check_fields(dataset_id: str, field_names, household_derived: bool) -> None:
    banned = HOUSEHOLD_FORBIDDEN if household_derived else PERSONAL_FIELDS
    bad = sorted(n for n in field_names if n.lower() in banned)
    if bad:
        raise PrivacyError(f"dataset {dataset_id!r} would publish personal field(s): {', '.join(bad)}")


def suppressed(count, threshold: int):
    """`count` as a SQL expression, NULL when 0 < count < threshold."""
    t = sa.literal(threshold, sa.Integer)
    return sa.case((sa.and_(count > 0, count < t), sa.null()), else_=count)
