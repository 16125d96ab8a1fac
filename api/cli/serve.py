"""`ntm-map serve`: the web API and map under uvicorn, in one process or several."""
from __future__ import annotations

import os
import socket

import click

from api.cli.common import Fail, check_reachable, settings_of


@click.command()
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 8000).")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Server processes (default 1, or NTM_WORKERS); each keeps its own tile cache.")
@click.pass_context
def serve(ctx, host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the web API and map."""
    import uvicorn

    from api.app import create_app

    settings = settings_of(ctx)
    check_reachable(settings)
    settings = settings.model_copy(
        update={k: v for k, v in {"host": host, "port": port, "workers": workers}.items() if v})
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.host, settings.port))
        except OSError:
            raise Fail(f"{settings.host}:{settings.port} is already in use; choose another port with "
                       f"--port or NTM_PORT (e.g. NTM_PORT={settings.port + 1} make run)") from None
    click.echo(f"ntm-map serving on http://{settings.host}:{settings.port} ({settings.workers} "
               f"worker{'s' if settings.workers > 1 else ''})")
    if settings.workers > 1:  # each process builds its app from the environment, as this one did
        os.environ.update({"NTM_HOST": settings.host, "NTM_PORT": str(settings.port)})
        uvicorn.run("api.app:app_from_environment", factory=True, workers=settings.workers,
                    host=settings.host, port=settings.port, log_level="info", proxy_headers=False)
    else:
        # proxy_headers=False: uvicorn would trust X-Forwarded-For from 127.0.0.1; the app trusts
        # only settings.trusted_proxies (api/http/host_check.py).
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                    proxy_headers=False)
