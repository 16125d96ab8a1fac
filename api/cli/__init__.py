"""`ntm-map`: the one command users type. Each command group is a module of this package that
imports only `api.cli.common`; this module builds the top-level group and adds them, so nothing
imports it back."""
from __future__ import annotations

import click

from api.cli import check, db, growing, imports, load, publish, raster, raster_demo, raster_stats, serve, users
from api.cli import map as maps
from api.cli import registers
from layers.db.settings import ERRORS, Settings, explain


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """ntm-map: digital map platform for New Rural Development (nông thôn mới)."""
    try:
        ctx.obj = Settings()
    except ERRORS as exc:  # a bad NTM_*/DATABASE_URL: one line naming it, exit 1
        raise click.ClickException(explain(exc)) from None


for command in (db.db, db.migrate, load.load, imports.import_cmd, serve.serve, maps.list_layers,
                users.users, publish.publish, growing.growing_areas, maps.map_command, check.check,
                raster.raster, registers.registers):
    main.add_command(command)
for command in (raster_stats.stats, raster_stats.suitability, raster_demo.demo):  # statistics, suitability, demo
    raster.raster.add_command(command)
