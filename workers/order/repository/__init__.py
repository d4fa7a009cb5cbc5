"""The only writer of the order area's collections (see `names`), and their indexes."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from workers.order.repository import archive, orders, refunds, tracking
from workers.order.repository.archive import MongoArchive, purge_expired_payloads
from workers.order.repository.orders import MongoOrderRepository
from workers.order.repository.refunds import MongoRefunds
from workers.order.repository.tracking import MongoTracking

__all__ = [
    "MongoArchive",
    "MongoOrderRepository",
    "MongoRefunds",
    "MongoTracking",
    "ensure_indexes",
    "purge_expired_payloads",
]


async def ensure_indexes(db: AsyncDatabase[dict[str, Any]]) -> None:
    await orders.ensure_indexes(db)
    await archive.ensure_indexes(db)
    await tracking.ensure_indexes(db)
    await refunds.ensure_indexes(db)
