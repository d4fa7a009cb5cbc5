"""Recycle bin retention: products deleted longer ago than the retention are removed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog
from pymongo.asynchronous.database import AsyncDatabase

Db = AsyncDatabase[dict[str, Any]]

_log = structlog.get_logger("catalog.purge")


async def purge_recycle_bin(db: Db, now: datetime, retention: timedelta) -> int:
    """Remove expired products and their SKU documents; returns how many products went.

    Idempotent and safe on every worker copy at once: each delete is conditional. SKUs go
    first, so a crash leaves the product to be found again. Stock documents belong to
    inventory and stay (an unknown SKU's stock is never read by an order).
    """
    expired = {"status": "deleted", "deleted_at": {"$lt": now - retention}}
    purged = 0
    async for product in db["products"].find(expired, {"_id": 1}):
        await db["skus"].delete_many({"product_id": product["_id"], "orderable": False})
        result = await db["products"].delete_one({"_id": product["_id"], **expired})
        purged += result.deleted_count
    if purged:
        _log.info("catalog.recycle_bin.purged", products=purged)
    return purged
