"""What came in from the platforms: raw pushes, platform message ids, refund requests.

Raw pushes and message ids expire after the retention period: a TTL index removes them on
MongoDB, `purge_expired_payloads` anywhere.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from juhe.store.group_insert import GroupInserts, private_inserts
from workers.order.model import ArchivedPayload, LogEntry, PlatformMessage, RefundRequest
from workers.order.repository.names import (
    ORDERS,
    PLATFORM_MESSAGES,
    RAW_PAYLOADS,
    REFUND_REQUESTS,
)

Doc = dict[str, Any]


class MongoArchive:
    def __init__(self, db: AsyncDatabase[Doc], inserts: GroupInserts | None = None) -> None:
        self._db = db
        self._inserts = inserts or private_inserts(db)

    async def archive(self, payload: ArchivedPayload) -> None:
        await self._insert_once(RAW_PAYLOADS, payload.model_dump(by_alias=True))

    async def remember_message(self, message: PlatformMessage) -> None:
        await self._insert_once(PLATFORM_MESSAGES, message.model_dump(by_alias=True))

    async def add_refund_request(self, request: RefundRequest) -> None:
        await self._insert_once(REFUND_REQUESTS, request.model_dump(by_alias=True))

    async def link_order_payload(self, order_key: str, payload_id: str) -> None:
        await self._link(ORDERS, order_key, payload_id)

    async def link_refund_payload(self, refund_key: str, payload_id: str) -> None:
        await self._link(REFUND_REQUESTS, refund_key, payload_id)

    async def log_refund_request(self, order_key: str, entry: LogEntry, refund_key: str) -> None:
        already = {"$elemMatch": {"type": entry.type, "data.refund_key": refund_key}}
        await self._db[ORDERS].update_one(
            {"_id": order_key, "events": {"$not": already}}, {"$push": {"events": entry.model_dump()}}
        )

    async def _link(self, collection: str, key: str, payload_id: str) -> None:
        await self._db[collection].update_one({"_id": key}, {"$addToSet": {"payload_ids": payload_id}})

    async def _insert_once(self, collection: str, doc: Doc) -> None:
        # Already there (an earlier delivery, or an identical push) is as good as stored now.
        await self._inserts(collection).insert_one(doc)


async def purge_expired_payloads(db: AsyncDatabase[Doc], now: datetime) -> int:
    """Delete raw pushes (and remembered message ids) past their retention; returns pushes deleted."""
    await db[PLATFORM_MESSAGES].delete_many({"expires_at": {"$lte": now}})
    result = await db[RAW_PAYLOADS].delete_many({"expires_at": {"$lte": now}})
    return result.deleted_count


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    for collection in (RAW_PAYLOADS, PLATFORM_MESSAGES):
        await db[collection].create_index("expires_at", expireAfterSeconds=0)
    await db[REFUND_REQUESTS].create_index("order_key")
