"""The HTTP edge under uvicorn, with shutdown on Ctrl-C / SIGTERM owned by Juhe."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from juhe.settings import Settings


class _ApiServer(uvicorn.Server):
    """uvicorn re-raises the signal it caught after shutting down; we own shutdown instead."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        yield


def api_server(settings: Settings) -> uvicorn.Server:
    from edge_api.app import create_app

    config = uvicorn.Config(
        create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
    )
    return _ApiServer(config)
