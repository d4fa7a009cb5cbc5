"""The whole system in this process: every worker, the edge app, on real RabbitMQ and store."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any, TypeVar

import aio_pika
import httpx

from edge_api.app import create_app
from juhe.faults import Faults
from juhe.runtime import Runtime
from juhe.settings import Settings
from workers.host import WorkerHost
from workers.registry import WORKERS

T = TypeVar("T")


@dataclass
class System:
    settings: Settings
    http: httpx.AsyncClient
    workers: WorkerHost
    faults: Faults
    edge_runtime: Runtime

    @property
    def db(self) -> Any:
        return self.workers.runtime.store.db


async def start_system(settings: Settings, stack: AsyncExitStack) -> System:
    faults = Faults()
    host = WorkerHost(Runtime.create(settings, faults), list(WORKERS))
    await host.start()
    stack.push_async_callback(host.stop)
    edge_runtime = Runtime.create(settings)
    app = create_app(settings, edge_runtime)
    await stack.enter_async_context(app.router.lifespan_context(app))
    transport = httpx.ASGITransport(app=app)
    http = await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://edge"))
    return System(settings, http, host, faults, edge_runtime)


async def delete_namespace(settings: Settings, queue_names: list[str]) -> None:
    """Remove this test run's queues and exchanges from the shared broker."""
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        for name in queue_names:
            await channel.queue_delete(name)
        for base in (
            "commands",
            "events",
            "dlx",
            *(f"delay.{s}s" for s in (5, 30, 120, 600, 1800, 3600, settings.funds_hold_seconds)),
        ):
            await channel.exchange_delete(f"{settings.namespace}.{base}")


async def eventually(probe: Callable[[], Awaitable[T | None]], *, within: float = 20.0, what: str = "") -> T:
    """Poll until `probe` returns something truthy; the system is asynchronous by design."""
    deadline = time.monotonic() + within
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or probe}")
        await asyncio.sleep(0.05)
