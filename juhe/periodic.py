"""Periodic jobs a worker registers; every worker copy runs them, so each must be idempotent."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog

_log = structlog.get_logger("juhe.periodic")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: float
    run: Callable[[], Awaitable[object]]


class PeriodicJobs:
    """Registered at `register()` time, started with the worker host, cancelled on stop."""

    def __init__(self) -> None:
        self.jobs: list[PeriodicJob] = []
        self._tasks: list[asyncio.Task[None]] = []

    def add(self, name: str, every_seconds: float, run: Callable[[], Awaitable[object]]) -> None:
        self.jobs.append(PeriodicJob(name, every_seconds, run))

    def start(self) -> None:
        self._tasks = [asyncio.create_task(_loop(job), name=f"periodic:{job.name}") for job in self.jobs]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []


async def _loop(job: PeriodicJob) -> None:
    while True:
        try:
            await job.run()
        except Exception:  # a failed round is retried next period; the job stays scheduled
            _log.exception("periodic.failed", job=job.name)
        await asyncio.sleep(job.every_seconds)
