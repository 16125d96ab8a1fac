"""A register imported for the web app (issue 16), in a bounded worker process.

The app hands over a file it has received (size-capped) and the database URL; the worker reads,
matches and stores it exactly as `ntm-map registers import` does (layers.jobs.registers.importing,
its own sync connection, one transaction) under the workers' memory cap and a deadline, so a
200,000-row register neither blocks the event loop nor grows the server's memory. Preloaded by
the worker: the import's modules load outside the cap.
"""
from __future__ import annotations

from pathlib import Path

from layers.db.engines import connection
from layers.jobs.registers import importing  # noqa: F401  (preloaded: loaded outside the memory cap)
from layers.workers.bounded import runner

PRELOAD = ("layers.jobs.registers.worker",)
DEADLINE_S = 600.0


def run(url: str, path: str, commune: str, actor: str, name: str) -> dict:
    """The report, or {"refused": (catalogue key, values)} for a file that is not a register
    (said as values, since the exception itself does not cross back whole)."""
    from geo.registers import RegisterProblem

    try:
        with connection(url) as conn:
            return importing.import_register(conn, Path(path), commune, actor, progress=False, name=name)
    except RegisterProblem as exc:
        return {"refused": (exc.key, exc.values)}
    except importing.RegisterRefused:
        return {"refused": ("addresses_public.registers.too_many", {"limit": importing.MAX_ROWS})}


def database_url(engine) -> str:
    """The URL of the app's engine, password included, for the worker's own connection."""
    return engine.url.render_as_string(hide_password=False)


async def import_in_worker(settings, engine, path: Path, commune: str, actor: str, name: str) -> dict:
    """The import's report; raises layers.workers.bounded.Unbounded past the memory cap or deadline."""
    return await runner(settings.bounded_workers, settings.bounded_memory_mb, PRELOAD).run(
        run, database_url(engine), str(path), commune, actor, name, timeout=DEADLINE_S)


def unplaced_file(url: str, register_id: int, actor: str, lang: str):
    """(bytes, file name, media type) of a register's rows to place (its export recorded)."""
    from layers.jobs.registers.unplaced import unplaced

    with connection(url) as conn:
        return unplaced(conn, register_id, actor, lang)
