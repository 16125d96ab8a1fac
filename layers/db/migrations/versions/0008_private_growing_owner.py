"""Growing areas' personal fields move to the private schema, with their history.

Revision ID: 0008
Revises: 0007

An individual owner's name and phone and the staff note of the last lifecycle step were columns
of `public.growing_areas`, so the history trigger copied them into `public.change_history`
with every edit: no endpoint served them, but a dump of the public schema or a future endpoint
would have. They now live in `private.growing_area_private` (one row per area that has any),
whose history the same trigger writes to `private.change_history`, as for households.

Existing data moves with them: the values are copied, and every growing-area history entry that
held a personal value is split: the personal part goes to `private.change_history` (same id,
time and author, table `growing_area_private`), the public part keeps the rest. Readers join the
two back for staff (layers.write.growing.history).
"""
from alembic import op
import sqlalchemy as sa

from layers.db.migrations import ddl_0001 as ddl

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

PERSONAL = ("owner_name", "owner_phone", "status_note")
KEYS = "ARRAY['owner_name', 'owner_phone', 'status_note']"


def _personal(side: str) -> str:
    """The personal part of one history side, or NULL when it had none (an INSERT's before)."""
    return (f"CASE WHEN h.{side} IS NULL THEN NULL ELSE jsonb_build_object("
            f"'growing_area_id', h.row_id::int, 'owner_name', h.{side}->'owner_name', "
            f"'owner_phone', h.{side}->'owner_phone', 'status_note', h.{side}->'status_note') END")


def upgrade() -> None:
    op.create_table(
        "growing_area_private",
        sa.Column("growing_area_id", sa.Integer(), nullable=False),
        sa.Column("owner_name", sa.String(length=200), nullable=True),
        sa.Column("owner_phone", sa.String(length=20), nullable=True),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["growing_area_id"], ["growing_areas.id"],
                                name=op.f("fk_growing_area_private_growing_area_id_growing_areas"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("growing_area_id", name=op.f("pk_growing_area_private")),
        schema="private",
    )
    op.execute(
        "INSERT INTO private.growing_area_private "
        "(growing_area_id, owner_name, owner_phone, status_note, created_at, updated_at) "
        "SELECT id, owner_name, owner_phone, status_note, created_at, updated_at FROM growing_areas "
        "WHERE owner_name IS NOT NULL OR owner_phone IS NOT NULL OR status_note IS NOT NULL")
    op.execute(
        "INSERT INTO private.change_history (id, table_name, row_id, operation, changed_at, changed_by, before, after) "
        f"SELECT h.id, 'growing_area_private', h.row_id, h.operation, h.changed_at, h.changed_by, "
        f"{_personal('before')}, {_personal('after')} FROM public.change_history h "
        "WHERE h.table_name = 'growing_areas' AND ("
        + " OR ".join(f"h.{side} ->> '{k}' IS NOT NULL" for side in ("before", "after") for k in PERSONAL)
        + ")")
    op.execute(
        f"UPDATE public.change_history SET before = before - {KEYS}, after = after - {KEYS} "
        "WHERE table_name = 'growing_areas' AND (before ?| " + KEYS + " OR after ?| " + KEYS + ")")
    for column in PERSONAL:
        op.drop_column("growing_areas", column)
    for stmt in ddl.trigger_statements("growing_area_private", "private", ["growing_area_id"], True):
        op.execute(stmt)


def downgrade() -> None:
    op.add_column("growing_areas", sa.Column("owner_name", sa.String(length=200), nullable=True))
    op.add_column("growing_areas", sa.Column("owner_phone", sa.String(length=20), nullable=True))
    op.add_column("growing_areas", sa.Column("status_note", sa.Text(), nullable=True))
    # Back into the public table without touching its rules, versions or history: the rows'
    # history of these values stays in private.change_history.
    op.execute("ALTER TABLE growing_areas DISABLE TRIGGER USER")
    op.execute(
        "UPDATE growing_areas g SET owner_name = p.owner_name, owner_phone = p.owner_phone, "
        "status_note = p.status_note FROM private.growing_area_private p WHERE p.growing_area_id = g.id")
    op.execute("ALTER TABLE growing_areas ENABLE TRIGGER USER")
    op.drop_table("growing_area_private", schema="private")
