"""Runs one or more workers in this process on one broker connection."""

from __future__ import annotations

import structlog

from juhe.heap import settle_heap
from juhe.messaging.consumer import declare_dead_letter_queues
from juhe.runtime import Runtime
from workers.registry import WORKERS

_log = structlog.get_logger("juhe.workers")


class WorkerHost:
    """Composition root for workers: subscribe, connect, declare, consume; stop in reverse."""

    def __init__(self, runtime: Runtime, names: list[str]) -> None:
        unknown = sorted(set(names) - WORKERS.keys())
        if unknown:
            raise ValueError(f"unknown worker(s) {unknown}; known: {sorted(WORKERS)}")
        self.runtime = runtime
        self.names = names
        for name in names:
            WORKERS[name].register(runtime)

    async def start(self) -> None:
        runtime = self.runtime
        await runtime.store.connect()
        for name in self.names:
            await WORKERS[name].prepare(runtime)
        await runtime.broker.connect()
        await runtime.topology.declare_delay_queues(runtime.broker)
        await declare_dead_letter_queues(runtime)
        await runtime.broker.start()
        runtime.periodic.start()
        settle_heap()
        _log.info("workers.started", workers=self.names, namespace=runtime.settings.namespace)

    async def stop(self) -> None:
        await self.runtime.periodic.stop()
        await self.runtime.broker.stop()
        await self.runtime.close_http()
        await self.runtime.store.close()
        _log.info("workers.stopped", workers=self.names)
