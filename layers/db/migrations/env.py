"""Alembic environment: the connection comes from `layers.db.migrate`, never from a config file."""
from alembic import context

from layers.db.models import metadata


def include_object(obj, name, type_, reflected, compare_to):
    # PostGIS and TIGER tables are not ours.
    if type_ == "table" and reflected and compare_to is None:
        return False
    return True


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    include_schemas=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
