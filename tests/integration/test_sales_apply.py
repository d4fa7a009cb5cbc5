"""A roll-up batch's bucket writes against the real store: a large batch leaves the process's
other work half of its store connections, whatever the pool's size."""

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
from workers.sales.repository import APPLY_CHUNK, MongoSalesRepository

Doc = dict[str, Any]
HOUR = datetime(2026, 12, 4, 20, tzinfo=UTC)


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


@pytest.fixture(params=[8, 5, 2, 0], ids=lambda size: f"pool-{size}")
async def watched(
    request: pytest.FixtureRequest, settings: Settings
) -> AsyncIterator[tuple[AsyncDatabase[Doc], UpdatesInFlight, int]]:
    """A database of its own, on a client of that many connections whose roll-up updates are
    watched; with it, the writes a batch may have in flight (half the connections, at least one;
    four when the pool has no limit)."""
    size: int = request.param
    listener = UpdatesInFlight()
    client: AsyncMongoClient[Doc] = AsyncMongoClient(
        settings.mongodb_url, maxPoolSize=size, event_listeners=[listener]
    )
    db = client[f"sales_apply_{uuid.uuid4().hex[:8]}"]
    yield db, listener, {8: 4, 5: 2, 2: 1, 0: 4}[size]
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


async def test_a_large_batch_has_at_most_half_the_connections_in_flight(
    watched: tuple[AsyncDatabase[Doc], UpdatesInFlight, int],
) -> None:
    db, updates, share = watched
    # One bulk write more than may be in flight, so sending them all at once would show.
    count = APPLY_CHUNK * share + 1
    repo = MongoSalesRepository(db)

    await repo.apply(1, [bucket(n) for n in range(count)])

    assert updates.sent == share + 1
    assert updates.most == share
    stored = {doc["_id"]: (doc["units"], doc["batch"]) async for doc in db[BUCKETS].find()}
    assert stored == {f"hour|test|sku|SKU-{n}": (n + 1, 1) for n in range(count)}
