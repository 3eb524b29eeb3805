"""Fake servers for tests listen on the loopback only, on a port the system picks."""

from __future__ import annotations

from typing import Any

from aiohttp import web


async def serve_on_loopback(
    app: web.Application, **runner_options: Any
) -> tuple[web.AppRunner, str]:
    """Serve `app` on 127.0.0.1; the runner (clean it up to stop) and the base URL."""
    # A fixed port would collide with parallel runs and with whatever the machine runs.
    runner = web.AppRunner(app, handle_signals=False, **runner_options)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"
