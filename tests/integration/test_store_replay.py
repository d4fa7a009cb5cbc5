"""The store ceiling's recording and replay against the real store: a replay at a copy taken
before the recording redoes the same work and leaves the copy exactly as the source was left."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, OperationFailure

from bench import recorder
from bench.recorder import CommandRecorder
from bench.store_ceiling import copy_database, plan, replay

Doc = dict[str, Any]


@dataclass(frozen=True)
class Scratch:
    client: AsyncMongoClient[Doc]
    recording: CommandRecorder
    source: AsyncDatabase[Doc]
    copy: AsyncDatabase[Doc]


@pytest.fixture
async def scratch(mongodb_url: str) -> AsyncIterator[Scratch]:
    """A source database and its copy, on a client whose commands are recorded when asked."""
    recording = CommandRecorder()
    client: AsyncMongoClient[Doc] = AsyncMongoClient(mongodb_url, event_listeners=[recording])
    name = f"replay_{uuid.uuid4().hex[:8]}"
    try:
        yield Scratch(client, recording, client[f"{name}_source"], client[f"{name}_copy"])
    finally:
        await client.drop_database(f"{name}_source")
        await client.drop_database(f"{name}_copy")
        await client.close()


async def _seed(db: AsyncDatabase[Doc]) -> None:
    await db.stock.create_index([("sku", 1)], unique=True, name="sku_unique")
    await db.stock.insert_many(
        [{"_id": f"s{i}", "sku": f"sku-{i}", "available": 10, "v": 0} for i in range(5)]
    )


async def _work(db: AsyncDatabase[Doc]) -> None:
    """Commands of every replayed kind, each depending on the one before, and two that fail."""
    await db.orders.insert_many([{"_id": f"o{i}", "status": "received"} for i in range(4)])
    for i in range(4):
        await db.stock.find_one_and_update(
            {"_id": f"s{i}", "available": {"$gte": 3}},
            {"$inc": {"available": -3, "v": 1}},
            return_document=ReturnDocument.AFTER,
        )
    await db.orders.update_many({"status": "received"}, {"$set": {"status": "reserved"}})
    await db.orders.update_one(
        {"_id": "o0", "status": "received"}, {"$set": {"status": "lost"}}
    )  # matches none
    await db.orders.delete_one({"_id": "o3"})
    assert await db.stock.find_one({"_id": "s0"}) is not None
    with pytest.raises(DuplicateKeyError):  # a write error: the command itself succeeds
        await db.stock.insert_one({"_id": "dup", "sku": "sku-1"})
    with pytest.raises(OperationFailure):  # a failed command
        await db.stock.find_one_and_update({"_id": "s1"}, {"$inc": {"available": "not a number"}})


async def _contents(db: AsyncDatabase[Doc]) -> dict[str, list[Doc]]:
    return {
        name: await db[name].find({}).sort("_id").to_list()
        for name in sorted(await db.list_collection_names())
    }


@pytest.mark.parametrize("limit", [1, 4])
async def test_a_replay_leaves_the_copy_as_the_recording_left_the_source(
    scratch: Scratch, tmp_path: Path, limit: int
) -> None:
    await _seed(scratch.source)
    assert await copy_database(scratch.source, scratch.copy) == 5
    indexes = await (await scratch.copy.stock.list_indexes()).to_list()
    assert {index["name"]: index.get("unique", False) for index in indexes} == {
        "_id_": False,
        "sku_unique": True,
    }

    scratch.recording.start()
    await _work(scratch.source)
    path = tmp_path / "process.bson"
    recorder.write(scratch.recording.stop(), path)
    steps = plan({"process": recorder.read(path)})
    sent, _, effects = await replay(steps, {"process": scratch.copy}, limit, seconds=60.0)

    assert sent == len(steps) == 11  # every command `_work` sent
    assert await _contents(scratch.copy) == await _contents(scratch.source)
    figures = effects.figures()
    assert (figures["share"], figures["differing"]) == (1.0, {})
    assert figures["failed"] == {"burst": 1, "replay": 1}


async def test_a_replay_sends_nothing_once_its_time_is_up(scratch: Scratch) -> None:
    await _seed(scratch.source)
    await copy_database(scratch.source, scratch.copy)
    before = await _contents(scratch.copy)
    scratch.recording.start()
    await _work(scratch.source)
    steps = plan({"process": scratch.recording.stop()})

    sent, _, effects = await replay(steps, {"process": scratch.copy}, limit=1, seconds=0.0)

    assert (sent, effects.figures()["burst"]) == (0, 0)
    assert await _contents(scratch.copy) == before
