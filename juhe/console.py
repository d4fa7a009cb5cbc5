"""What `juhe` says to the person who runs it: settings help, one-line failures, the up banner."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import NoReturn

import typer
from pydantic import ValidationError

from juhe.broker.embedded import EmbeddedBrokerError
from juhe.logging import configure_logging
from juhe.preflight import Refused, redacted, settings_problem
from juhe.runtime import Runtime
from juhe.settings import DEV_ADMIN_TOKEN, Settings
from juhe.store.embedded import EmbeddedStoreError
from juhe.worker_processes import WorkerProcess


class fail:
    @staticmethod
    def now(message: str, code: int = 1) -> NoReturn:
        typer.echo(f"juhe: {message}", err=True)
        raise typer.Exit(code)

    @staticmethod
    @contextmanager
    def on_refusal() -> Iterator[None]:
        """A refused precondition or a service that will not start: one line, exit 1."""
        try:
            yield
        except (Refused, RuntimeError, EmbeddedStoreError, EmbeddedBrokerError) as exc:
            first, _, rest = str(exc).partition("\n")
            fail.now(first if not rest else f"{first} (see the log named above)")
        except OSError as exc:  # e.g. an AMQP connection refused while dropping a namespace
            fail.now(str(exc))


def setup() -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        fail.now(settings_problem(exc), code=2)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    configure_logging(settings.log_level)
    return settings


def runtime(settings: Settings) -> Runtime:
    try:
        return Runtime.create(settings)
    except RuntimeError as exc:
        fail.now(str(exc))


def settings_help() -> str:
    """Every JUHE_* setting with its default, for `juhe --help`."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        shown = (
            "(unset)"
            if default is None
            else json.dumps(default)
            if isinstance(default, list)
            else str(default)
        )
        rows.append(f"  JUHE_{name.upper():<34} {shown}")
    return "\b\nSettings (environment variables, or a .env file):\n" + "\n".join(rows)


def banner(
    settings: Settings, management: str | None = None, processes: Sequence[WorkerProcess] = ()
) -> list[str]:
    """What `juhe up` prints; the operator token only while it is the public development default."""
    workers = [f"pid {p.pid} ({', '.join(p.workers)})" for p in processes] or ["in the API's process"]
    lines = [
        f"Juhe is up: API http://{settings.api_host}:{settings.api_port}  (docs at /docs)",
        f"  broker: {redacted(settings.amqp_url or '')}"
        + (f"  (management {management})" if management else ""),
        f"  store:  {redacted(settings.mongodb_url or '')}",
        f"  data:   {settings.data_dir}  namespace: {settings.namespace}",
        f"  workers: {'; '.join(workers)}",
    ]
    if settings.admin_token == DEV_ADMIN_TOKEN:
        lines.append(f"  operator token (development default): {settings.admin_token}")
    return [*lines, "Press Ctrl-C to stop."]


async def until_signalled(*, or_stdin_closed: bool = False) -> None:
    """Until SIGINT or SIGTERM; a supervised child also stops when its parent's pipe closes
    (the parent is gone, even killed with -9)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if or_stdin_closed:

        def watch() -> None:
            # The raw descriptor: a daemon thread parked in the buffered reader would hold its
            # lock and abort the interpreter's shutdown.
            while os.read(sys.stdin.fileno(), 4096):
                pass
            loop.call_soon_threadsafe(stop.set)

        threading.Thread(target=watch, daemon=True).start()
    await stop.wait()


async def run_audit(settings: Settings) -> list[str]:
    from juhe.store.mongo import Store
    from workers.audit import audit

    store = Store(settings)
    try:
        await store.connect()
    except RuntimeError as exc:
        fail.now(str(exc))
    try:
        return await audit(store.db)
    finally:
        await store.close()


__all__ = ["fail", "setup", "sys"]
