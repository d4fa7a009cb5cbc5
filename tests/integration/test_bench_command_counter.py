"""The bench's store command counter against the real store: each command under its collection."""

from __future__ import annotations

import uuid
from typing import Any

from pymongo import AsyncMongoClient

from bench.metrics import CommandCounter

DOCUMENTS, BATCH = 5, 2  # three batches: one find, two getMores


async def test_cursor_continuations_are_counted_under_their_collection(mongodb_url: str) -> None:
    counter = CommandCounter()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, event_listeners=[counter])
    database = client[f"counter_{uuid.uuid4().hex[:8]}"]
    try:
        await database.items.insert_many([{"n": n} for n in range(DOCUMENTS)])
        counter.reset()
        found = await database.items.find({}, batch_size=BATCH).to_list()
        targets = counter.target_counts()
    finally:
        await client.drop_database(database.name)
        await client.close()
    assert len(found) == DOCUMENTS
    assert targets == {"find items": 1, "getMore items": 2}
