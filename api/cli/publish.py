"""`ntm-map publish`: write a new open-data release if the data changed (layers.jobs.opendata.release).

A publish that fails leaves the releases as they were (layers.jobs.opendata.release), so the site
keeps serving the last good one. It exits with PUBLISH_FAILED (not click's usual 1) and says
what failed and which release is still served: `make run` goes on to serve after it.
`--keep N` then removes releases beyond the N newest (layers.jobs.opendata.retention: their
links redirect), whether or not this run published one.
"""
from __future__ import annotations

import click

from api.cli.common import connect

PUBLISH_FAILED = 3


class PublishFailed(click.ClickException):
    """Printed as 'Error: …' like api.cli.common.Fail, with its own exit status."""

    exit_code = PUBLISH_FAILED


def _failure(exc: BaseException, where: str, served: str | None) -> PublishFailed:
    first = (str(exc).strip().splitlines() or [""])[0]
    what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    keeps = (f"/opendata keeps serving release {served}" if served
             else "/opendata has no release yet")
    return PublishFailed(f"publishing open data failed ({where}): {what}\nnothing was published; {keeps}")


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
@click.option("--keep", type=click.IntRange(min=1), default=None, metavar="N",
              help="Then remove releases beyond the N newest; their download links redirect (docs/opendata.md).")
@click.pass_context
def publish(ctx, dry_run: bool, if_changed: bool, no_pmtiles: bool, keep: int | None) -> None:
    """Publish open data: a versioned release of every dataset in every format."""
    from layers.db.engines import database_url
    from layers.jobs.opendata import store
    from layers.jobs.opendata.datasets import all_datasets
    from layers.jobs.opendata.release import publish as run
    from tiles.pmtiles_export import pmtiles_writer, writer_key

    settings = ctx.obj
    with connect(settings, schema=True):
        pass
    extra = None if no_pmtiles else pmtiles_writer(settings)
    key = "" if no_pmtiles else writer_key(settings)
    datasets = all_datasets()
    done: list[str] = []

    def progress(bar, ds_id: str) -> None:
        done.append(ds_id)
        bar.update(1, ds_id)

    try:
        with click.progressbar(length=len(datasets), label="exporting datasets", show_pos=True,
                               item_show_func=lambda i: i or "") as bar:
            result = run(settings, database_url(settings), dry_run=dry_run, if_changed=if_changed, extra=extra,
                         extra_key=key, progress=lambda ds_id: progress(bar, ds_id), datasets=datasets)
    except Exception as exc:  # any failure: nothing was published, say so and what still is
        where = f"{len(done)} of {len(datasets)} datasets exported"
        if len(done) < len(datasets):
            where += f", next {datasets[len(done)].id}"
        try:
            served = store.latest(settings)
        except Exception:  # an unreadable releases folder is what failed
            served = None
        if isinstance(exc, OSError):
            exc = OSError(f"cannot write the release under {store.releases_dir(settings)}: {exc}")
        raise _failure(exc, where, served) from None
    if result.changes:
        click.echo(f"{'dataset':22} {'features':>9} {'added':>7} {'changed':>7} {'removed':>7}")
        for ds_id, change in result.changes.items():
            c = change.counts()
            note = " (new)" if change.new_dataset else " (schema changed)" if change.schema_changed else ""
            click.echo(f"{ds_id:22} {result.counts[ds_id]:>9,} {c['added']:>7,} {c['changed']:>7,} "
                       f"{c['removed']:>7,}{note}")
    click.echo(result.message + f" ({result.seconds:.1f} s)")
    if result.path is not None:
        stats = [p.stat() for p in result.path.rglob("*") if p.is_file()]
        total = sum(s.st_size for s in stats)
        new = sum(s.st_size for s in stats if s.st_nlink == 1)  # the rest are links to the previous release's
        click.echo(f"release {result.version}: {result.path} ({_size(total)}, {_size(new)} of it new on disk); "
                   f"served at /opendata/releases/{result.version}/")
    if keep is not None:
        _prune(settings, keep, dry_run)


def _prune(settings, keep: int, dry_run: bool) -> None:
    from layers.jobs.opendata.retention import prune

    try:
        pruned = prune(settings, keep, dry_run=dry_run)
    except OSError as exc:
        raise click.ClickException(f"removing old releases failed: {exc}; the releases on disk are still served")
    if not pruned.removed:
        click.echo(f"{len(pruned.kept)} release(s) on disk, at most {keep} kept: none to remove")
        return
    verb = "would remove" if dry_run else "removed"
    click.echo(f"{verb} release(s) {', '.join(pruned.removed)}, keeping the {keep} newest "
               f"({', '.join(pruned.kept)}); links into a removed release redirect")
