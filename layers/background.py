"""What the web app's background loops share (the growing-area expiry, the raster statistics)."""
from __future__ import annotations

import asyncio


async def stop(task: asyncio.Task | None) -> None:
    """Cancel a loop started by the app and wait until it has ended (None: none was started)."""
    if task is not None:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
