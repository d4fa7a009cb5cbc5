"""Group inserts when the store fails: every caller of the failed write sees the error, and the
group goes on writing what is queued after it."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import AutoReconnect, BulkWriteError

from juhe.store.group_insert import GroupInsert

Doc = dict[str, Any]


class FlakyCollection:
    """Fails its first insert command, then stores."""

    def __init__(self) -> None:
        self.calls: list[list[Doc]] = []

    async def insert_many(self, docs: list[Doc], *, ordered: bool) -> None:
        self.calls.append(docs)
        await asyncio.sleep(0)
        if len(self.calls) == 1:
            raise AutoReconnect("connection lost")


async def test_a_failed_write_fails_each_of_its_callers_and_the_next_group_is_written() -> None:
    store = FlakyCollection()
    group = GroupInsert(lambda: cast("AsyncCollection[Doc]", store))

    first = asyncio.gather(
        group.insert_one({"_id": "a"}), group.insert_one({"_id": "b"}), return_exceptions=True
    )
    await asyncio.sleep(0)
    queued = asyncio.create_task(group.insert_one({"_id": "c"}))
    failed = await first

    assert [type(outcome) for outcome in failed] == [AutoReconnect, AutoReconnect]
    assert await queued is True
    assert store.calls == [[{"_id": "a"}, {"_id": "b"}], [{"_id": "c"}]]


async def test_a_cancelled_writer_leaves_no_caller_waiting() -> None:
    store = FlakyCollection()
    store.calls.append([])  # no failure: the first call already happened
    group = GroupInsert(lambda: cast("AsyncCollection[Doc]", store))

    waiting = asyncio.create_task(group.insert_one({"_id": "a"}))
    await asyncio.sleep(0)
    assert group._writer is not None
    group._writer.cancel()

    with pytest.raises(RuntimeError, match="stopped"):
        await waiting


class UnacknowledgedCollection:
    """Stores the documents but reports that the write concern was not met."""

    async def insert_many(self, docs: list[Doc], *, ordered: bool) -> None:
        details = {
            "writeErrors": [],
            "writeConcernErrors": [{"code": 64, "errmsg": "waiting for replication"}],
        }
        raise BulkWriteError(details)


async def test_a_write_concern_error_fails_every_caller() -> None:
    """Nothing of the group is known to be durable: every message is redelivered."""
    group = GroupInsert(lambda: cast("AsyncCollection[Doc]", UnacknowledgedCollection()))

    outcomes = await asyncio.gather(
        group.insert_one({"_id": "a"}), group.insert_one({"_id": "b"}), return_exceptions=True
    )

    assert [type(outcome) for outcome in outcomes] == [BulkWriteError, BulkWriteError]
