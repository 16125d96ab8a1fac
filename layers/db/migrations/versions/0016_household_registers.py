"""Household registers imported by communes, matched to villages (issue 16).

Revision ID: 0016
Revises: 0015

A commune's register (sổ hộ: village, head of household, members, phone, address text, ID number)
is personal data, so both tables live in the `private` schema, which no public query reads.

* `private.household_registers`: one import (commune, file, format, encoding, who, when, the
  header as read, counts). The newest register of a commune is the one coverage counts; older
  ones stay as a record.
* `private.household_register_rows`: each row as read (the original cells too, so the rows to
  place can be written back in the file's own layout), the village it was matched to and how
  (`exact`, `fuzzy`, `ambiguous`, `none`, `empty`, with rapidfuzz's score), and the household
  point it was paired with, if any (same ID number, else phone, else head's name in that village).
  A row repeating an earlier one names it (`duplicate_of`) and is not counted twice. Rows are
  deleted with their register.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

MATCHES = ("exact", "fuzzy", "ambiguous", "none", "empty")


def upgrade() -> None:
    op.create_table(
        "household_registers",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("commune_code", sa.String(length=10), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_format", sa.Text(), nullable=False),
        sa.Column("encoding", sa.Text(), nullable=True),
        sa.Column("columns", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("imported_by", sa.Text(), nullable=False),
        sa.Column("rows_total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rows_village", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rows_point", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("file_format IN ('csv', 'xlsx')", name=op.f("ck_household_registers_file_format")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_registers")),
        schema="private",
    )
    op.create_index("ix_household_registers_commune", "household_registers", ["commune_code", "id"],
                    schema="private")
    op.create_table(
        "household_register_rows",
        sa.Column("register_id", sa.BigInteger(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("village_text", sa.Text(), nullable=True),
        sa.Column("head_name", sa.Text(), nullable=True),
        sa.Column("members", sa.SmallInteger(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("address_text", sa.Text(), nullable=True),
        sa.Column("national_id", sa.Text(), nullable=True),
        sa.Column("cells", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("match", sa.Text(), nullable=False),
        sa.Column("score", sa.REAL(), nullable=True),
        sa.Column("household_id", sa.BigInteger(), nullable=True),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.CheckConstraint("match IN (" + ", ".join(f"'{m}'" for m in MATCHES) + ")",
                           name=op.f("ck_household_register_rows_match")),
        sa.ForeignKeyConstraint(["register_id"], ["private.household_registers.id"], ondelete="CASCADE",
                                name=op.f("fk_household_register_rows_register_id_household_registers")),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"], ondelete="SET NULL",
                                name=op.f("fk_household_register_rows_village_id_villages")),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], ondelete="SET NULL",
                                name=op.f("fk_household_register_rows_household_id_households")),
        sa.PrimaryKeyConstraint("register_id", "row_number", name=op.f("pk_household_register_rows")),
        schema="private",
    )
    op.create_index("ix_household_register_rows_village", "household_register_rows", ["village_id"],
                    schema="private")
    op.create_index("ix_household_register_rows_household", "household_register_rows", ["household_id"],
                    schema="private", postgresql_where=sa.text("household_id IS NOT NULL"))


def downgrade() -> None:
    op.drop_table("household_register_rows", schema="private")
    op.drop_table("household_registers", schema="private")
