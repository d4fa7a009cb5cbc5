"""Group inserts against the real store: concurrent inserts share one command, and each caller
learns its own documents' fate (stored, already there, or failed)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import WriteError
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

from juhe.settings import Settings
from juhe.store.group_insert import GroupInsert

Doc = dict[str, Any]


class InsertCommands(CommandListener):
    """Counts the insert commands sent, and the documents each carried."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name == "insert":
            self.sizes.append(len(event.command.get("documents", [])))

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


@pytest.fixture
async def watched(settings: Settings) -> AsyncIterator[tuple[AsyncCollection[Doc], InsertCommands]]:
    """A fresh collection of the test database, on a client whose insert commands are counted."""
    listener = InsertCommands()
    client: AsyncMongoClient[Doc] = AsyncMongoClient(settings.mongodb_url, event_listeners=[listener])
    collection = client[settings.database_name][f"group_insert_{uuid.uuid4().hex[:8]}"]
    yield collection, listener
    await collection.drop()
    await client.close()


async def test_concurrent_inserts_share_one_command(
    watched: tuple[AsyncCollection[Doc], InsertCommands],
) -> None:
    collection, commands = watched
    group = GroupInsert(lambda: collection)

    stored = await asyncio.gather(*(group.insert_one({"_id": f"d{i}", "n": i}) for i in range(50)))

    assert stored == [True] * 50
    assert commands.sizes == [50]
    assert await collection.count_documents({}) == 50
    assert await collection.find_one({"_id": "d7"}) == {"_id": "d7", "n": 7}


async def test_inserts_queued_behind_a_write_go_in_the_next_one(
    watched: tuple[AsyncCollection[Doc], InsertCommands],
) -> None:
    """Nothing waits on purpose: the first insert is written alone, the ones queued meanwhile together."""
    collection, commands = watched
    group = GroupInsert(lambda: collection)

    first = asyncio.create_task(group.insert_one({"_id": "first"}))
    await asyncio.sleep(0)  # the first write is under way
    later = await asyncio.gather(*(group.insert_one({"_id": f"later{i}"}) for i in range(5)))

    assert (await first, later) == (True, [True] * 5)
    assert commands.sizes == [1, 5]


async def test_a_duplicate_key_answers_false_and_stores_nothing_new(
    watched: tuple[AsyncCollection[Doc], InsertCommands],
) -> None:
    collection, _ = watched
    await collection.insert_one({"_id": "taken", "v": "first"})
    group = GroupInsert(lambda: collection)

    stored = await group.insert([{"_id": "taken", "v": "second"}, {"_id": "new"}, {"_id": "new", "v": 2}])

    assert stored == [False, True, False]
    assert await collection.find_one({"_id": "taken"}) == {"_id": "taken", "v": "first"}
    assert await collection.find_one({"_id": "new"}) == {"_id": "new"}
    assert await collection.count_documents({}) == 2


async def test_a_failed_document_fails_only_its_own_caller(
    watched: tuple[AsyncCollection[Doc], InsertCommands],
) -> None:
    collection, commands = watched
    await collection.database.create_collection(collection.name, validator={"n": {"$exists": True}})
    group = GroupInsert(lambda: collection)

    bad, good = await asyncio.gather(
        group.insert_one({"_id": "invalid"}),
        group.insert_one({"_id": "fine", "n": 1}),
        return_exceptions=True,
    )

    assert isinstance(bad, WriteError)
    assert good is True
    assert commands.sizes == [2]
    assert await collection.find().to_list() == [{"_id": "fine", "n": 1}]
