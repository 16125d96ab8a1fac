"""Tourism photos, route files and events media (issue 14).

Revision ID: 0015
Revises: 0014

(Placeholder: filled in by that work; an empty step until then.)
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
