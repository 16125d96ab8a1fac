"""Growing-area dates within 1900-01-01 … 2200-12-31 (layers/db/dates.py), existing rows repaired.

Revision ID: 0006
Revises: 0005

A grant "valid to 9999-12-31" was written by asyncpg as `infinity`, which no Python driver can
read back, so every publish failed. The API now refuses such dates; this CHECK makes sure no
other path (psql, an import, a future bug) stores one.

Repair before the CHECK, recorded in change_history as made by 'system:migration 0006':
* `infinity` / `-infinity` become NULL. An open end is what NULL already means to the expiry
  function (an area without `valid_to` never expires) and to the `validity` CHECK.
* A finite date outside the bounds is moved to the nearer bound (the area keeps a date, the
  latest or earliest this service can express); a `valid_to` that then no longer follows
  `valid_from` becomes NULL.
The rules trigger (commune, overlap) is off for the repair: it moves no boundary and changes no
status, and a commune replaced since must not block the upgrade.
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

EARLIEST, LATEST = "1900-01-01", "2200-12-31"  # layers.db.dates.EARLIEST / LATEST
CHECK = "ck_growing_areas_dates_in_range"  # the model's CheckConstraint "dates_in_range"


def _in_range(col: str) -> str:
    return f"({col} IS NULL OR {col} BETWEEN DATE '{EARLIEST}' AND DATE '{LATEST}')"


def _repaired(col: str) -> str:
    return (f"CASE WHEN {col} IS NULL OR NOT isfinite({col}) THEN NULL "
            f"ELSE LEAST(GREATEST({col}, DATE '{EARLIEST}'), DATE '{LATEST}') END")


REPAIR = f"""
WITH fixed AS (
  SELECT id, {_repaired('valid_from')} AS f, {_repaired('valid_to')} AS t
  FROM growing_areas WHERE NOT {_in_range('valid_from')} OR NOT {_in_range('valid_to')}
)
UPDATE growing_areas g
SET valid_from = fixed.f,
    valid_to = CASE WHEN fixed.t <= fixed.f THEN NULL ELSE fixed.t END
FROM fixed WHERE g.id = fixed.id
"""


def upgrade() -> None:
    op.execute("SELECT set_config('ntm.actor', 'system:migration 0006', true)")
    op.execute("ALTER TABLE growing_areas DISABLE TRIGGER ntm_growing_rules")
    op.execute(REPAIR)
    op.execute("ALTER TABLE growing_areas ENABLE TRIGGER ntm_growing_rules")
    op.execute("SELECT set_config('ntm.actor', '', true)")
    op.execute(f"ALTER TABLE growing_areas ADD CONSTRAINT {CHECK} "
               f"CHECK ({_in_range('valid_from')} AND {_in_range('valid_to')})")


def downgrade() -> None:
    op.execute(f"ALTER TABLE growing_areas DROP CONSTRAINT {CHECK}")
