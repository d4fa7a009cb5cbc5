"""The whole system in this process: every worker, the edge app, on real RabbitMQ and store."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from edge_api.app import create_app
from juhe.faults import Faults
from juhe.runtime import Runtime
from juhe.settings import Settings
from juhe.store.mongo import Store
from tests.support.contract import ContractRecorder
from workers.host import WorkerHost
from workers.namespace import drop_namespace
from workers.registry import WORKERS

T = TypeVar("T")


@dataclass
class System:
    settings: Settings
    http: httpx.AsyncClient
    workers: WorkerHost
    faults: Faults
    edge_runtime: Runtime
    #: Every (operation, status) the suite saw, to hold against the published contract.
    contract: ContractRecorder
    #: The edge app itself, for clients that must look like another address.
    app: Any = None

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
    contract = ContractRecorder(app.openapi())
    client = httpx.AsyncClient(
        transport=transport, base_url="http://edge", event_hooks={"response": [contract.record]}
    )
    http = await stack.enter_async_context(client)
    return System(settings, http, host, faults, edge_runtime, contract, app)


async def delete_namespace(settings: Settings) -> None:
    """Remove a test run's queues and exchanges: quorum queues are durable and would pile up."""
    await drop_namespace(settings)


async def drop_database(settings: Settings) -> None:
    """Remove a test run's database."""
    store = Store(settings)
    await store.connect()
    await store.client.drop_database(settings.database_name)
    await store.close()


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
