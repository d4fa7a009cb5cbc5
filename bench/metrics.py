"""What the bench counts: store commands (PyMongo command monitoring) and confirmed publishes."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from pymongo import monitoring

from juhe.messaging.bus import PUBLISHED

#: Connection handshakes and monitoring, not work done for an order.
NOISE = frozenset({"hello", "ping", "ismaster", "isMaster", "endSessions"})


class CommandCounter(monitoring.CommandListener):
    """Counts succeeded (and, separately, failed) commands by name; resettable."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._succeeded: Counter[str] = Counter()
        self._failed: Counter[str] = Counter()
        self._targets: Counter[str] = Counter()
        self._pending: dict[int, str] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        """Remember the collection: only the start event names it."""
        if event.command_name not in NOISE:
            target = f"{event.command_name} {_collection(event)}"
            with self._lock:
                self._pending[event.request_id] = target

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        if event.command_name not in NOISE:
            with self._lock:
                self._succeeded[event.command_name] += 1
                self._targets[self._pending.pop(event.request_id, event.command_name)] += 1

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        if event.command_name not in NOISE:
            with self._lock:
                self._failed[event.command_name] += 1
                self._pending.pop(event.request_id, None)

    def succeeded_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._succeeded)

    def target_counts(self) -> dict[str, int]:
        """Succeeded commands by command and collection, e.g. `find skus`."""
        with self._lock:
            return dict(self._targets)

    def failed_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._failed)

    def total(self) -> int:
        with self._lock:
            return sum(self._succeeded.values()) + sum(self._failed.values())

    def reset(self) -> None:
        with self._lock:
            self._succeeded.clear()
            self._failed.clear()
            self._targets.clear()


def _collection(event: monitoring.CommandStartedEvent) -> object:
    """The collection a command works on: a cursor's continuation names it apart from its id."""
    if event.command_name == "getMore":
        return event.command.get("collection")
    return event.command.get(event.command_name)


def published_counts() -> dict[str, int]:
    """The process-wide PUBLISHED counter, by message name."""
    counts: dict[str, int] = {}
    for metric in PUBLISHED.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                counts[sample.labels["message"]] = int(sample.value)
    return counts


def counter_delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    """Per-name increase from `before` to `after`, dropping names that did not move."""
    delta = {name: value - before.get(name, 0) for name, value in after.items()}
    return {name: value for name, value in sorted(delta.items()) if value}


@dataclass(frozen=True)
class CommandCounts:
    """A snapshot of a `CommandCounter`, which can be summed over processes and sent as JSON."""

    succeeded: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    targets: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, counter: CommandCounter) -> CommandCounts:
        return cls(counter.succeeded_counts(), counter.failed_counts(), counter.target_counts())

    @classmethod
    def from_dict(cls, data: dict[str, dict[str, int]]) -> CommandCounts:
        return cls(dict(data["succeeded"]), dict(data["failed"]), dict(data["targets"]))

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"succeeded": self.succeeded, "failed": self.failed, "targets": self.targets}

    def __add__(self, other: CommandCounts) -> CommandCounts:
        def summed(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
            return dict(Counter(a) + Counter(b))

        return CommandCounts(
            summed(self.succeeded, other.succeeded),
            summed(self.failed, other.failed),
            summed(self.targets, other.targets),
        )

    def total(self) -> int:
        return sum(self.succeeded.values()) + sum(self.failed.values())


@dataclass(frozen=True)
class Tally:
    """What the bench has counted so far: the edge's and the workers' store commands, and the
    publishes of every process (by message name)."""

    edge: CommandCounts
    workers: CommandCounts
    published: dict[str, int]

    def activity(self) -> int:
        """Grows with any counted work: a quiet system leaves it unchanged."""
        return self.edge.total() + self.workers.total() + sum(self.published.values())
