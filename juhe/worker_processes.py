"""`juhe up`'s worker processes: each a `juhe worker --supervised …` child that announces READY
once its subscriptions are consuming, writes its log lines to our stderr, and dies with us."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from juhe.child import ReadyChild
from juhe.settings import Settings

STARTUP_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class WorkerProcess:
    pid: int
    workers: list[str]


class WorkerProcesses:
    def __init__(self, settings: Settings, groups: list[list[str]]) -> None:
        env = {**os.environ, **_resolved(settings)}
        self._groups = groups
        self._children = [
            ReadyChild([sys.executable, "-m", "juhe", "worker", "--supervised", *group], None, env=env)
            for group in groups
        ]

    def start(self) -> list[WorkerProcess]:
        """Start every process at once; if one fails, stop them all and raise."""
        with ThreadPoolExecutor(max_workers=max(1, len(self._children))) as pool:
            outcomes = list(pool.map(_try_start, self._children))
        failures = [str(outcome) for outcome in outcomes if isinstance(outcome, Exception)]
        if failures:
            self.stop()
            raise RuntimeError(f"a worker process did not start: {failures[0]}")
        return [WorkerProcess(c.pid or 0, g) for c, g in zip(self._children, self._groups, strict=True)]

    def stop(self) -> None:
        """SIGTERM each (they finish the messages in hand), kill after the grace period."""
        with ThreadPoolExecutor(max_workers=max(1, len(self._children))) as pool:
            list(pool.map(ReadyChild.stop, self._children))


def _try_start(child: ReadyChild) -> list[str] | Exception:
    try:
        return child.start(STARTUP_TIMEOUT_SECONDS)
    except Exception as exc:  # reported for every child together by the caller
        return exc


def _resolved(settings: Settings) -> dict[str, str]:
    """What the parent resolved (embedded store and broker, the CPUs beside the store), so the
    children find the same ones."""
    resolved = {
        "JUHE_AMQP_URL": settings.amqp_url,
        "JUHE_MONGODB_URL": settings.mongodb_url,
        "JUHE_RABBITMQ_MANAGEMENT_URL": settings.rabbitmq_management_url,
        "JUHE_WORKER_CPUS": settings.worker_cpus,
    }
    return {name: value for name, value in resolved.items() if value}
