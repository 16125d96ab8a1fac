"""`ntm-map publish`: write a new open-data release if the data changed (layers.opendata.release)."""
from __future__ import annotations

import click


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


@click.command("publish")
@click.option("--dry-run", is_flag=True, help="Read everything and say what release would be made; write nothing.")
@click.option("--if-changed", is_flag=True,
              help="Return at once if no layer, schema or setting changed since the latest release (cheap).")
@click.option("--no-pmtiles", is_flag=True, help="Leave out the PMTiles of the layers (faster).")
@click.pass_context
def publish(ctx, dry_run: bool, if_changed: bool, no_pmtiles: bool) -> None:
    """Publish open data: a versioned release of every dataset in every format."""
    import psycopg

    from api.cli import Fail, _connect, _require_schema
    from layers.db import database_url
    from layers.opendata import store
    from layers.opendata.datasets import all_datasets
    from layers.opendata.privacy import PrivacyError
    from layers.opendata.release import publish as run
    from tiles.pmtiles_export import pmtiles_writer, writer_key

    settings = ctx.obj
    with _connect(settings) as conn:
        _require_schema(conn)
    extra = None if no_pmtiles else pmtiles_writer(settings)
    key = "" if no_pmtiles else writer_key(settings)
    datasets = all_datasets()
    try:
        with click.progressbar(length=len(datasets), label="exporting datasets", show_pos=True,
                               item_show_func=lambda i: i or "") as bar:
            result = run(settings, database_url(settings), dry_run=dry_run, if_changed=if_changed, extra=extra,
                         extra_key=key, progress=lambda ds_id: bar.update(1, ds_id), datasets=datasets)
    except PrivacyError as exc:
        raise Fail(str(exc)) from None
    except psycopg.OperationalError as exc:
        raise Fail(f"database error while publishing: {str(exc).strip()}") from None
    except OSError as exc:
        raise Fail(f"cannot write the release under {store.releases_dir(settings)}: {exc}") from None
    if result.changes:
        click.echo(f"{'dataset':22} {'features':>9} {'added':>7} {'changed':>7} {'removed':>7}")
        for ds_id, change in result.changes.items():
            c = change.counts()
            note = " (new)" if change.new_dataset else " (schema changed)" if change.schema_changed else ""
            click.echo(f"{ds_id:22} {result.counts[ds_id]:>9,} {c['added']:>7,} {c['changed']:>7,} "
                       f"{c['removed']:>7,}{note}")
    click.echo(result.message + f" ({result.seconds:.1f} s)")
    if result.path is not None:
        total = sum(p.stat().st_size for p in result.path.rglob("*") if p.is_file())
        click.echo(f"release {result.version}: {result.path} ({_size(total)}); "
                   f"served at /opendata/releases/{result.version}/")
