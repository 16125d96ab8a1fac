"""Tourism listings written by promoters, moderated by province tourism staff (issue 14).

Revision ID: 0013
Revises: 0012

(Placeholder: filled in by the tourism work; an empty step until then.)
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
