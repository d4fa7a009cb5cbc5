"""The store's raw ceiling for the pipeline's own commands: the burst's commands, replayed.

Before the burst the bench copies the database, documents and indexes, into scratch databases,
and every process records the store commands it sends (`bench.recorder`). After the burst this
phase sends the recorded commands, as they were sent, at a copy with nothing else running: the
store alone redoes the burst's work, from its start, for a set time. It does so once for each
limit on the commands in flight (1, 2, 4, 8), each at a copy of its own, because the embedded
store spends more CPU per command the more of them run at once; the fastest is the ceiling.
Commands/s over the burst's commands per order is the order rate the store alone allows.

Order in time is kept: a command starts only once every command that had ended before it
started in the burst has ended here, so an update never overtakes the insert it found there;
commands that overlapped in the burst may overlap here. Each process's commands go through a
client of their own with the pipeline's settings (`juhe.store.mongo.Store`). Each command's
effect (documents inserted, matched or returned) is compared with the burst's: equal effects
mean the replay did the same work.
"""

from __future__ import annotations

import asyncio
import bisect
import os
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bson
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure
from tqdm import tqdm

from bench import cpu, recorder
from bench.recorder import Recorded, effect_of
from juhe.settings import Settings
from juhe.store.mongo import Store

Doc = dict[str, Any]
#: The session and routing a driver adds to each command; the replay's client adds its own.
_DRIVER_FIELDS = frozenset({"lsid", "txnNumber", "$clusterTime", "$db", "$readPreference"})
_COPY_BATCH = 1000
#: Commands in flight at once: each is tried, and the fastest is the ceiling.
LIMITS = (1, 2, 4, 8)
_SHOWN_DIFFERENCES = 10


def copy_name(settings: Settings, limit: int) -> str:
    return f"{settings.database_name}_ceiling_{limit}"


async def copy_database(source: AsyncDatabase[Doc], target: AsyncDatabase[Doc]) -> int:
    """Every collection of `source`, with its indexes, into `target`; the documents copied."""
    copied = 0
    for name in sorted(await source.list_collection_names()):
        indexes = [
            {key: value for key, value in spec.items() if key not in {"v", "ns"}}
            async for spec in await source[name].list_indexes()
            if spec["name"] != "_id_"
        ]
        await target.create_collection(name)
        if indexes:
            await target.command({"createIndexes": name, "indexes": indexes})
        docs = await source[name].find({}).to_list()  # the seeded data before a burst: small
        for start in range(0, len(docs), _COPY_BATCH):
            await target[name].insert_many(docs[start : start + _COPY_BATCH])
        copied += len(docs)
    return copied


@dataclass(frozen=True)
class Step:
    """One recorded command in start order, with what must have ended before it starts."""

    source: str
    command: Doc
    name: str  # `command collection`, e.g. `update orders`
    recorded_effect: int | None
    after: int  # how many commands (in end order) ended before this one started
    end_rank: int  # this command's place in end order


def plan(recordings: Mapping[str, Iterable[Recorded]]) -> list[Step]:
    """Every process's commands in one timeline, each gated on what ended before it started."""
    merged = sorted(
        ((source, one) for source, recorded in recordings.items() for one in recorded),
        key=lambda pair: pair[1].started,
    )
    end_order = sorted(range(len(merged)), key=lambda i: merged[i][1].ended)
    end_rank = [0] * len(merged)
    for rank, index in enumerate(end_order):
        end_rank[index] = rank
    ends = [merged[i][1].ended for i in end_order]
    steps = []
    for index, (source, one) in enumerate(merged):
        command = {k: v for k, v in bson.decode(one.command).items() if k not in _DRIVER_FIELDS}
        after = bisect.bisect_left(ends, one.started)
        steps.append(Step(source, command, _name(command), one.effect, after, end_rank[index]))
    return steps


def _name(command: Doc) -> str:
    verb = next(iter(command))
    return f"{verb} {command[verb]}"


class _Gate:
    """How far the replay has got in end order: the longest prefix of it that has ended."""

    def __init__(self, size: int) -> None:
        self._ended = bytearray(size)
        self._through = 0
        self._moved = asyncio.Event()

    def end(self, rank: int) -> None:
        self._ended[rank] = 1
        while self._through < len(self._ended) and self._ended[self._through]:
            self._through += 1
        self._moved.set()

    async def reached(self, count: int) -> None:
        while self._through < count:
            self._moved.clear()
            await self._moved.wait()


@dataclass
class _Effects:
    recorded: Counter[str]
    replayed: Counter[str]
    failed_recorded: int = 0
    failed_replayed: int = 0

    def figures(self) -> dict[str, Any]:
        total_recorded, total_replayed = sum(self.recorded.values()), sum(self.replayed.values())
        differing = {
            name: {"burst": self.recorded[name], "replay": self.replayed[name]}
            for name in sorted(set(self.recorded) | set(self.replayed))
            if self.recorded[name] != self.replayed[name]
        }
        return {
            "burst": total_recorded,
            "replay": total_replayed,
            "share": round(total_replayed / total_recorded, 4) if total_recorded else None,
            "failed": {"burst": self.failed_recorded, "replay": self.failed_replayed},
            "differing": dict(list(differing.items())[:_SHOWN_DIFFERENCES]),
        }


async def replay(
    steps: list[Step], databases: Mapping[str, AsyncDatabase[Doc]], limit: int, seconds: float
) -> tuple[int, float, _Effects]:
    """Send steps in order, gated, at most `limit` at a time, until `seconds` have passed (those
    in flight then still finish); the commands sent, the seconds taken, and their effects."""
    gate, effects, slots = _Gate(len(steps)), _Effects(Counter(), Counter()), asyncio.Semaphore(limit)

    async def send(step: Step, bar: tqdm[Any]) -> None:
        try:
            reply = await databases[step.source].command(step.command)
        except OperationFailure:
            effects.failed_replayed += 1
        else:
            effects.replayed[step.name] += effect_of(reply)
        finally:
            gate.end(step.end_rank)
            slots.release()
            bar.update()

    running: set[asyncio.Task[None]] = set()
    sent, start = 0, time.monotonic()
    with tqdm(desc=f"store ceiling, {limit} at a time", unit="cmd", dynamic_ncols=True) as bar:
        for step in steps:
            await gate.reached(step.after)
            await slots.acquire()
            if time.monotonic() - start >= seconds:
                break
            _count_recorded(step, effects)
            task = asyncio.create_task(send(step, bar))
            running.add(task)
            task.add_done_callback(running.discard)
            sent += 1
        await asyncio.gather(*running)
    return sent, time.monotonic() - start, effects


def _per_order(ticks: int, sent: int, per_order: float) -> float | None:
    """CPU milliseconds per order's worth of commands, from clock ticks over `sent` commands."""
    return round(1000 * ticks / os.sysconf("SC_CLK_TCK") * per_order / sent, 2) if sent else None


def _count_recorded(step: Step, effects: _Effects) -> None:
    if step.recorded_effect is None:
        effects.failed_recorded += 1
    else:
        effects.recorded[step.name] += step.recorded_effect


async def store_ceiling(
    settings: Settings,
    files: list[Path],
    orders: int,
    seconds: float,
    limits: Iterable[int] = LIMITS,
    store_pids: Sequence[int] = (),
) -> dict[str, Any]:
    """Replay the recorded `files` (one per process) for `seconds` at each limit, each at its own
    copy (`copy_name(settings, limit)`); the best limit's rate is the ceiling. With the store's
    pids, each run also gives the store's CPU per order."""
    steps = plan({path.stem: recorder.read(path) for path in files})
    if not steps or orders <= 0:
        return {"orders_per_second": None, "note": "nothing recorded"}
    per_order = len(steps) / orders
    runs = {
        str(limit): await _replay_at(settings, steps, limit, seconds, per_order, store_pids)
        for limit in limits
    }
    best = max(runs, key=lambda limit: runs[limit]["commands_per_second"])
    return {
        "method": "the burst's own commands, replayed in order at a copy of the database",
        "commands_recorded": len(steps),
        "commands_per_order": round(per_order, 3),
        "by_limit": runs,
        "best_limit": best,
        "commands_per_second": runs[best]["commands_per_second"],
        "orders_per_second": runs[best]["orders_per_second"],
        "effects": runs[best]["effects"],
    }


async def _replay_at(
    settings: Settings,
    steps: list[Step],
    limit: int,
    seconds: float,
    per_order: float,
    store_pids: Sequence[int],
) -> dict[str, Any]:
    async with AsyncExitStack() as stack:
        databases = {}
        for source in sorted({step.source for step in steps}):
            store = Store(settings)  # the pipeline's client options; no listener: nothing counted
            await store.connect()
            stack.push_async_callback(store.close)
            databases[source] = store.client[copy_name(settings, limit)]
        before = cpu.read_ticks(store_pids)
        sent, took, effects = await replay(steps, databases, limit, seconds)
        after = cpu.read_ticks(store_pids)
    rate = sent / took
    ticks = sum(after[pid] - before[pid] for pid in before if pid in after)
    return {
        "commands": sent,
        "seconds": round(took, 2),
        "commands_per_second": round(rate, 1),
        "orders_per_second": round(rate / per_order, 2),
        "store_cpu_ms_per_order": _per_order(ticks, sent, per_order) if before else None,
        "effects": effects.figures(),
    }
