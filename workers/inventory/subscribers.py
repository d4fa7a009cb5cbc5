"""Inventory's subscriptions: adapters of a few lines around the handlers."""

from __future__ import annotations

from juhe.messaging.consumer import consume
from juhe.runtime import Runtime
from schemas.commands import CommitStock, ReleaseStock, ReserveStock, SyncStock
from workers.inventory import handlers
from workers.inventory.repository import MongoInventoryRepository, ensure_indexes

WORKER = "inventory"


def register(runtime: Runtime) -> None:
    def repo() -> MongoInventoryRepository:
        return MongoInventoryRepository(runtime.store.db)

    consume(runtime, WORKER, ReserveStock, lambda m: handlers.reserve_stock(m, repo=repo()))
    consume(runtime, WORKER, ReleaseStock, lambda m: handlers.release_stock(m, repo=repo()))
    consume(runtime, WORKER, CommitStock, lambda m: handlers.commit_stock(m, repo=repo()))
    consume(runtime, WORKER, SyncStock, lambda m: handlers.sync_stock(m, repo=repo()))


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
