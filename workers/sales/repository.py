"""Sales facts, roll-ups and the roll-up cursor: the only code that writes them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from juhe.store.group_insert import GroupInserts, private_inserts
from workers.sales.model import (
    ATTRIBUTES,
    BUCKETS,
    CURSOR_ID,
    CURSORS,
    FACTS,
    PENDING,
    Bucket,
    FactKind,
    RollupCursor,
    SaleFact,
)

Doc = dict[str, Any]
DUPLICATE_KEY = 11000
#: Bucket updates per bulk write of a batch.
APPLY_CHUNK = 40
#: A batch's bulk writes in flight on a client whose pool has no limit (`maxPoolSize=0` in the
#: URL): as many as with the default pool of 8.
UNLIMITED_POOL_IN_FLIGHT = 4


def apply_in_flight(db: AsyncDatabase[Doc]) -> int:
    """A batch's bulk writes in flight at once: half of the process's store connections
    (`JUHE_MONGODB_MAX_POOL_SIZE`, 8 by default: four), the rest left to the order path. A large
    batch sent all at once held every one of them for seconds while the orders waited; with two
    of eight, the roll-ups fell behind the facts of a steady 20 orders/s (docs/sales.md)."""
    pool = db.client.options.pool_options.max_pool_size
    return max(1, int(pool) // 2) if pool else UNLIMITED_POOL_IN_FLIGHT


def _only_duplicates(exc: BulkWriteError) -> bool:
    return all(error.get("code") == DUPLICATE_KEY for error in exc.details.get("writeErrors", []))


class MongoSalesRepository:
    def __init__(self, db: AsyncDatabase[Doc], inserts: GroupInserts | None = None) -> None:
        self._facts = db[FACTS]
        self._insert_facts = (inserts or private_inserts(db))(FACTS)
        self._buckets = db[BUCKETS]
        self._cursors = db[CURSORS]

    async def add_facts(self, facts: Sequence[SaleFact]) -> None:
        if not facts:
            return
        # A repeat finds its facts already stored: the same facts, so nothing more to do.
        await self._insert_facts.insert([f.model_dump(by_alias=True) for f in facts])

    async def cursor(self) -> RollupCursor:
        doc = await self._cursors.find_one({"_id": CURSOR_ID})
        return RollupCursor() if doc is None else RollupCursor.model_validate(doc)

    async def pending_facts(self, limit: int) -> list[SaleFact]:
        docs = await self._facts.find({"batch": PENDING}).limit(limit).to_list()
        return [SaleFact.model_validate(doc) for doc in docs]

    async def facts(self, fact_ids: Sequence[str]) -> list[SaleFact]:
        docs = await self._facts.find({"_id": {"$in": list(fact_ids)}}).to_list()
        return [SaleFact.model_validate(doc) for doc in docs]

    async def sold_facts(self, order_key: str) -> list[SaleFact]:
        docs = await self._facts.find({"order_key": order_key, "kind": FactKind.SOLD.value}).to_list()
        return [SaleFact.model_validate(doc) for doc in docs]

    async def plan(self, current: RollupCursor, planned: RollupCursor) -> bool:
        where = {"_id": CURSOR_ID, "batch": current.batch, "open": False}
        try:
            result = await self._cursors.update_one(
                where, {"$set": planned.model_dump(exclude={"id"})}, upsert=current.batch == 0
            )
        except DuplicateKeyError:  # another worker planned the first batch
            return False
        return result.matched_count == 1 or result.upserted_id is not None

    async def apply(self, batch: int, buckets: Sequence[Bucket]) -> None:
        """Chunks of one bulk write each, `apply_in_flight` at a time: each bucket's update stands
        alone, so a busy store serves a chunk beside the pipeline's commands rather than one long
        write behind everyone else, and the rest of the process keeps its connections."""
        writes = [_increment(batch, b) for b in buckets]
        chunks = [writes[i : i + APPLY_CHUNK] for i in range(0, len(writes), APPLY_CHUNK)]
        in_flight = asyncio.Semaphore(apply_in_flight(self._buckets.database))
        await asyncio.gather(*(self._write(chunk, in_flight) for chunk in chunks))

    async def _write(self, chunk: list[UpdateOne], in_flight: asyncio.Semaphore) -> None:
        async with in_flight:
            try:
                await self._buckets.bulk_write(chunk, ordered=False)
            except BulkWriteError as exc:  # an upsert met a bucket this batch already added to
                if not _only_duplicates(exc):
                    raise

    async def mark_applied(self, batch: int, fact_ids: Sequence[str], at: datetime) -> None:
        applied = {"batch": batch, "applied_at": at}
        await self._facts.update_many({"_id": {"$in": list(fact_ids)}, "batch": PENDING}, {"$set": applied})

    async def close(self, cursor: RollupCursor) -> bool:
        where = {"_id": CURSOR_ID, "batch": cursor.batch, "open": True}
        result = await self._cursors.update_one(where, {"$set": cursor.closed().model_dump(exclude={"id"})})
        return result.matched_count == 1


def _increment(batch: int, bucket: Bucket) -> UpdateOne:
    """Add the figures once per batch: the condition on `batch` and the increment are one
    single-document update. A missing bucket is created by the upsert; one that exists with
    this batch already fails the filter, and its upsert then hits the unique `_id`."""
    identity = bucket.model_dump(include={"granularity", "period", "dim", *ATTRIBUTES})
    return UpdateOne(
        {"_id": bucket.id, "batch": {"$lt": batch}},
        {"$inc": bucket.figures.as_increments(), "$set": {"batch": batch}, "$setOnInsert": identity},
        upsert=True,
    )


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    await db[FACTS].create_index([("batch", ASCENDING)], name="pending_facts")
    await db[FACTS].create_index([("order_key", ASCENDING)], name="by_order")
    await db[BUCKETS].create_index(
        [("dim", ASCENDING), ("granularity", ASCENDING), ("period", ASCENDING)], name="by_dim_and_period"
    )
    await db[BUCKETS].create_index([("batch", ASCENDING)], name="changed_since")
