"""`juhe`: run the whole system (`up`), one worker, the API, or the embedded store."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Annotated

import structlog
import typer
import uvicorn

from juhe.logging import configure_logging
from juhe.runtime import Runtime
from juhe.settings import DEV_ADMIN_TOKEN, Settings
from juhe.store.embedded import EmbeddedStore
from juhe.store.mongo import store_url_file

cli = typer.Typer(help="Juhe aggregated supply chain.", no_args_is_help=True, add_completion=False)
_log = structlog.get_logger("juhe.cli")


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


class _ApiServer(uvicorn.Server):
    """uvicorn re-raises the signal it caught after shutting down; we own shutdown instead."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        yield


def _api_server(settings: Settings) -> uvicorn.Server:
    from edge_api.app import create_app

    config = uvicorn.Config(
        create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
    )
    return _ApiServer(config)


def _start_embedded(settings: Settings) -> tuple[Settings, EmbeddedStore | None]:
    if settings.mongodb_url:
        return settings, None
    store = EmbeddedStore(settings.data_dir)
    url = store.start()
    store_url_file(settings.data_dir).write_text(url)
    _log.info("store.started", url=url, data_dir=str(settings.data_dir))
    return settings.model_copy(update={"mongodb_url": url}), store


def _stop_embedded(settings: Settings, store: EmbeddedStore | None) -> None:
    if store is not None:
        store.stop()
        with suppress(FileNotFoundError):
            store_url_file(settings.data_dir).unlink()


async def _run_up(settings: Settings) -> None:
    from workers.host import WorkerHost
    from workers.registry import WORKERS

    host = WorkerHost(Runtime.create(settings), list(WORKERS))
    await host.start()
    try:
        server = _api_server(settings)
        for line in banner(settings):
            typer.echo(line)
        await server.serve()  # returns on Ctrl-C / SIGTERM
    finally:
        await host.stop()


def banner(settings: Settings) -> list[str]:
    """What `juhe up` prints; the operator token only while it is the public development default."""
    lines = [f"Juhe is up: API http://{settings.api_host}:{settings.api_port}  (docs at /docs)"]
    if settings.admin_token == DEV_ADMIN_TOKEN:
        lines.append(f"Operator token (development default): {settings.admin_token}")
    return [*lines, "Press Ctrl-C to stop."]


@cli.command()
def up() -> None:
    """Start the store (if embedded), every worker and the API; Ctrl-C stops them all."""
    settings = _setup()
    settings, store = _start_embedded(settings)
    try:
        asyncio.run(_run_up(settings))
    finally:
        _stop_embedded(settings, store)


@cli.command()
def worker(names: Annotated[list[str], typer.Argument(help="worker names, e.g. order inventory")]) -> None:
    """Run one or more workers in this process (run several copies to scale out)."""
    from workers.host import WorkerHost

    async def run() -> None:
        host = WorkerHost(Runtime.create(_setup()), names)
        await host.start()
        try:
            await _until_signalled()
        finally:
            await host.stop()

    asyncio.run(run())


@cli.command()
def api() -> None:
    """Run the HTTP edge alone."""
    asyncio.run(_api_server(_setup()).serve())


@cli.command()
def store() -> None:
    """Run the embedded store until stopped; sibling processes find it through the data dir."""
    settings = _setup()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings, running = _start_embedded(settings.model_copy(update={"mongodb_url": None}))
    typer.echo(f"Store: {settings.mongodb_url}")
    try:
        asyncio.run(_until_signalled())
    finally:
        _stop_embedded(settings, running)


@cli.command("audit")
def audit_command() -> None:
    """Check the invariants of DESIGN.md; exits 1 and lists each violation if any fails."""
    from juhe.store.mongo import Store
    from workers.audit import audit

    async def run() -> list[str]:
        store = Store(_setup())
        await store.connect()
        try:
            return await audit(store.db)
        finally:
            await store.close()

    problems = asyncio.run(run())
    for problem in problems:
        typer.echo(problem)
    typer.echo(f"{len(problems)} violation(s)" if problems else "all invariants hold")
    raise typer.Exit(1 if problems else 0)


def _setup() -> Settings:
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    configure_logging()
    return settings


def main() -> None:
    cli()
