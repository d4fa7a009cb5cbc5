"""The store's raw ceiling for the pipeline's own command mix.

The burst measured how many commands of each kind each order cost, by collection (`insert
orders`, `findAndModify stock`, …). This phase replays that mix straight at the store, with the
pipeline's client settings (`juhe.store.mongo.Store`), from many concurrent tasks, against
scratch copies of the collections (a separate database, dropped afterwards) whose documents
are copies of real ones, so sizes match. Commands per second over commands per order is the
order rate the store alone allows.

Replayed: `insert` (a new document), `find` (by `_id`), `findAndModify` and `update` (a
compare-and-set on a version field, by `_id`), `delete` (by `_id`); any other command
(`aggregate`, `getMore`, …) is replayed as a find by `_id` and named in `approximated`.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from tqdm import tqdm

from juhe.settings import Settings
from juhe.store.mongo import Store

Doc = dict[str, Any]
REPLAYED = frozenset({"insert", "find", "findAndModify", "update", "delete"})
#: Documents per scratch collection that finds and updates pick from.
POOL = 200
_SLOTS = 1000  # the mix is spread over this many slots, in proportion to its per-order counts


@dataclass(frozen=True)
class Mix:
    """(command, collection) -> commands per order, as the burst counted them."""

    per_order: dict[tuple[str, str], float]

    @classmethod
    def of(cls, by_collection: dict[str, float]) -> Mix:
        targets = {}
        for name, count in by_collection.items():
            command, _, collection = name.partition(" ")
            if collection and collection != "None" and count > 0:
                targets[(command, collection)] = count
        return cls(targets)

    @property
    def commands_per_order(self) -> float:
        return sum(self.per_order.values())

    def slots(self, seed: int = 1) -> list[tuple[str, str]]:
        """The mix as a shuffled list of commands, each in proportion to its count."""
        total = self.commands_per_order
        slots = [
            target
            for target, count in self.per_order.items()
            for _ in range(max(1, round(_SLOTS * count / total)))
        ]
        random.Random(seed).shuffle(slots)
        return slots


async def store_ceiling(
    settings: Settings, source: AsyncDatabase[Doc], mix: Mix, seconds: float, concurrency: int
) -> dict[str, Any]:
    """Replay `mix` for `seconds` from `concurrency` tasks; commands/s and the implied orders/s."""
    if not mix.per_order:
        return {"commands_per_second": None, "orders_per_second": None, "note": "no commands measured"}
    store = Store(settings)  # the pipeline's client options; no listener: nothing is counted
    await store.connect()
    scratch = store.client[f"{settings.database_name}_ceiling"]
    try:
        await _prepare(scratch, source, {collection for _, collection in mix.per_order})
        done, elapsed = await _replay(scratch, mix, seconds, concurrency)
    finally:
        await store.client.drop_database(scratch.name)
        await store.close()
    per_second = done / elapsed if elapsed > 0 else 0.0
    return {
        "seconds": round(elapsed, 2),
        "concurrency": concurrency,
        "commands": done,
        "commands_per_second": round(per_second, 1),
        "commands_per_order": round(mix.commands_per_order, 3),
        "orders_per_second": round(per_second / mix.commands_per_order, 2),
        "approximated": sorted({f"{c} {coll}" for c, coll in mix.per_order if c not in REPLAYED}),
    }


async def _prepare(scratch: AsyncDatabase[Doc], source: AsyncDatabase[Doc], collections: set[str]) -> None:
    for name in sorted(collections):
        template = await source[name].find_one({}, {"_id": 0}) or {"filler": "x" * 500}
        await scratch[name].insert_many([{**template, "_id": f"pool-{i}", "v": 0} for i in range(POOL)])


async def _replay(
    scratch: AsyncDatabase[Doc], mix: Mix, seconds: float, concurrency: int
) -> tuple[int, float]:
    slots = itertools.cycle(mix.slots())
    templates = {name: await scratch[name].find_one({"_id": "pool-0"}) or {} for _, name in mix.per_order}
    fresh = itertools.count()
    counted = [0]
    start = time.monotonic()
    deadline = start + seconds

    async def task(bar: tqdm[Any]) -> None:
        rng = random.Random(secrets.randbits(32))
        while time.monotonic() < deadline:
            command, name = next(slots)
            await _command(command, scratch[name], templates[name], rng, next(fresh))()
            counted[0] += 1
            bar.update()

    with tqdm(desc="store ceiling", unit="cmd", dynamic_ncols=True) as bar:
        await asyncio.gather(*(task(bar) for _ in range(concurrency)))
    return counted[0], time.monotonic() - start


def _command(
    command: str, coll: AsyncCollection[Doc], template: Doc, rng: random.Random, n: int
) -> Callable[[], Awaitable[object]]:
    pooled = {"_id": f"pool-{rng.randrange(POOL)}", "v": {"$gte": 0}}
    if command == "insert":
        return lambda: coll.insert_one({**template, "_id": f"new-{n}"})
    if command == "findAndModify":
        change = {"$inc": {"v": 1}}
        return lambda: coll.find_one_and_update(pooled, change, return_document=ReturnDocument.AFTER)
    if command == "update":
        return lambda: coll.update_one(pooled, {"$inc": {"v": 1}})
    if command == "delete":
        return lambda: coll.delete_one({"_id": f"new-{rng.randrange(max(1, n))}"})
    return lambda: coll.find_one({"_id": pooled["_id"]})
