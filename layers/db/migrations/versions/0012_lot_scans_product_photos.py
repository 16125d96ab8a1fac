"""Scans of lot labels counted without storing who scanned; a photo for OCOP products (issue 15).

Revision ID: 0012
Revises: 0011

* `lot_scans` (public, no personal data): scans per lot and day (Vietnam time). Counting is a
  plain upsert, not an edited layer: no history, no layer version (a scan must not make every
  cache stale).
* `private.scan_salts`: one random salt per day. A client's scan is recorded in
  `private.scan_seen` as sha256(salt of the day, client, lot) only, so a repeated scan counts
  once a day without the address or the browser being stored; yesterday's salts and digests are
  deleted when today's salt is made (kept no longer than a day). In the database so every worker
  process deduplicates alike.
* `ocop_products.photo_sha256` / `photo_alt`: the product photo is a file named by the sha256 of
  its re-encoded bytes (written by the app, not the database); alt text is required with it.
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lot_scans",
        sa.Column("lot_id", sa.Integer, sa.ForeignKey("harvest_lots.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("scans", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("scans >= 0", name=op.f("ck_lot_scans_scans")),
    )
    op.create_index(op.f("ix_lot_scans_day"), "lot_scans", ["day"])
    op.create_table(
        "scan_salts",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("salt", sa.LargeBinary, nullable=False),
        sa.CheckConstraint("octet_length(salt) = 32", name=op.f("ck_scan_salts_salt")),
        schema="private",
    )
    op.create_table(
        "scan_seen",
        sa.Column("digest", sa.LargeBinary, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.CheckConstraint("octet_length(digest) = 32", name=op.f("ck_scan_seen_digest")),
        schema="private",
    )
    op.create_index(op.f("ix_scan_seen_day"), "scan_seen", ["day"], schema="private")
    op.add_column("ocop_products", sa.Column("photo_sha256", sa.String(64)))
    op.add_column("ocop_products", sa.Column("photo_alt", sa.String(300)))
    op.create_check_constraint(op.f("ck_ocop_products_photo"), "ocop_products",
                               "photo_sha256 IS NULL OR (photo_sha256 ~ '^[0-9a-f]{64}$' "
                               "AND length(btrim(coalesce(photo_alt, ''))) > 0)")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_ocop_products_photo"), "ocop_products")
    op.drop_column("ocop_products", "photo_alt")
    op.drop_column("ocop_products", "photo_sha256")
    op.drop_index(op.f("ix_scan_seen_day"), "scan_seen", schema="private")
    op.drop_table("scan_seen", schema="private")
    op.drop_table("scan_salts", schema="private")
    op.drop_index(op.f("ix_lot_scans_day"), "lot_scans")
    op.drop_table("lot_scans")
