"""What came in from the platforms: raw pushes, platform message ids, refund requests.

All three collections are owned by the order worker. Raw pushes and message ids expire after
the retention period: a TTL index removes them on MongoDB, `purge_expired_payloads` anywhere.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from schemas.common import RawPayload

Doc = dict[str, Any]
RAW_PAYLOADS = "raw_payloads"
PLATFORM_MESSAGES = "platform_messages"
REFUND_REQUESTS = "refund_requests"
ORDERS = "orders"


class MongoIntakeRepository:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def archive(self, payload: RawPayload, expires_at: datetime) -> str:
        doc = {**payload.model_dump(), "expires_at": expires_at}
        await self._insert_once(RAW_PAYLOADS, {"_id": payload.id, **doc})
        return payload.id

    async def remember_message(self, platform: str, message_id: str, key: str, expires_at: datetime) -> None:
        doc = {"_id": f"{platform}:{message_id}", "key": key, "expires_at": expires_at}
        await self._insert_once(PLATFORM_MESSAGES, doc)

    async def add_refund_request(self, request: Doc) -> None:
        await self._insert_once(REFUND_REQUESTS, request)

    async def link_payload(self, collection: str, key: str, payload_id: str) -> None:
        await self._db[collection].update_one({"_id": key}, {"$addToSet": {"payload_ids": payload_id}})

    async def log_refund_request(self, order_key: str, entry: Doc, refund_key: str) -> None:
        """Append to the order's change log once per refund request; no order, no entry."""
        await self._db[ORDERS].update_one(
            {
                "_id": order_key,
                "events": {"$not": {"$elemMatch": {"type": entry["type"], "data.refund_key": refund_key}}},
            },
            {"$push": {"events": entry}},
        )

    async def _insert_once(self, collection: str, doc: Doc) -> None:
        with contextlib.suppress(DuplicateKeyError):  # an earlier delivery or an identical push
            await self._db[collection].insert_one(doc)


async def purge_expired_payloads(db: AsyncDatabase[Doc], now: datetime) -> int:
    """Delete raw pushes (and remembered message ids) past their retention; returns pushes deleted."""
    await db[PLATFORM_MESSAGES].delete_many({"expires_at": {"$lte": now}})
    result = await db[RAW_PAYLOADS].delete_many({"expires_at": {"$lte": now}})
    return result.deleted_count


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    for collection in (RAW_PAYLOADS, PLATFORM_MESSAGES):
        await db[collection].create_index("expires_at", expireAfterSeconds=0)
    await db[REFUND_REQUESTS].create_index("order_key")
