"""A roll-up batch's bucket writes against the real store: a large batch leaves the process's
other work most of its store connections."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

from juhe.settings import Settings
from workers.sales.model import BUCKETS, Bucket, Figures, Granularity
from workers.sales.repository import APPLY_CHUNK, APPLY_IN_FLIGHT, MongoSalesRepository

Doc = dict[str, Any]
HOUR = datetime(2026, 12, 4, 20, tzinfo=UTC)
#: One bulk write more than may be in flight, so sending them all at once would show.
BUCKET_COUNT = APPLY_CHUNK * APPLY_IN_FLIGHT + 1


class UpdatesInFlight(CommandListener):
    """The most `update` commands on the roll-up collection that were ever in flight at once."""

    def __init__(self) -> None:
        self._open: set[int] = set()
        self.most = 0
        self.sent = 0

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name == "update" and event.command.get("update") == BUCKETS:
            self._open.add(event.request_id)
            self.sent += 1
            self.most = max(self.most, len(self._open))

    def succeeded(self, event: CommandSucceededEvent) -> None:
        self._open.discard(event.request_id)

    def failed(self, event: CommandFailedEvent) -> None:
        self._open.discard(event.request_id)


@pytest.fixture
async def watched(settings: Settings) -> AsyncIterator[tuple[AsyncDatabase[Doc], UpdatesInFlight]]:
    """A database of its own, on a client whose roll-up updates are watched."""
    listener = UpdatesInFlight()
    client: AsyncMongoClient[Doc] = AsyncMongoClient(settings.mongodb_url, event_listeners=[listener])
    db = client[f"sales_apply_{uuid.uuid4().hex[:8]}"]
    yield db, listener
    await client.drop_database(db.name)
    await client.close()


def bucket(n: int) -> Bucket:
    return Bucket(
        id=f"hour|test|sku|SKU-{n}",
        granularity=Granularity.HOUR,
        period=HOUR,
        dim="sku",
        sku=f"SKU-{n}",
        figures=Figures(orders=1, units=n + 1),
    )


async def test_a_large_batch_has_at_most_its_share_of_writes_in_flight(
    watched: tuple[AsyncDatabase[Doc], UpdatesInFlight],
) -> None:
    db, updates = watched
    repo = MongoSalesRepository(db)

    await repo.apply(1, [bucket(n) for n in range(BUCKET_COUNT)])

    assert updates.sent == APPLY_IN_FLIGHT + 1
    assert updates.most == APPLY_IN_FLIGHT
    stored = {doc["_id"]: (doc["units"], doc["batch"]) async for doc in db[BUCKETS].find()}
    assert stored == {f"hour|test|sku|SKU-{n}": (n + 1, 1) for n in range(BUCKET_COUNT)}
