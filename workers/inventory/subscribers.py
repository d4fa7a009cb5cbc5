"""Inventory's subscriptions: adapters of a few lines around the handlers."""

from __future__ import annotations

from juhe.messaging.consumer import consume, respond
from juhe.runtime import Runtime
from schemas.commands import CommitStock, ReleaseStock, ReserveStock, SyncStock
from schemas.stock_sync import ApplyStockChunk, StartStockSync
from workers.inventory import handlers, syncs
from workers.inventory.repository import MongoInventoryRepository, ensure_indexes
from workers.inventory.sync_repository import MongoSyncRepository

WORKER = "inventory"


def register(runtime: Runtime) -> None:
    def repo() -> MongoInventoryRepository:
        return MongoInventoryRepository(runtime.store.db)

    consume(runtime, WORKER, ReserveStock, lambda m: handlers.reserve_stock(m, repo=repo()))
    consume(runtime, WORKER, ReleaseStock, lambda m: handlers.release_stock(m, repo=repo()))
    consume(runtime, WORKER, CommitStock, lambda m: handlers.commit_stock(m, repo=repo()))
    consume(runtime, WORKER, SyncStock, lambda m: handlers.sync_stock(m, repo=repo()))

    def sync_repo() -> MongoSyncRepository:
        return MongoSyncRepository(runtime.store.db)

    respond(runtime, WORKER, StartStockSync, lambda m: syncs.start_stock_sync(m, syncs=sync_repo()))
    consume(
        runtime,
        WORKER,
        ApplyStockChunk,
        lambda m: syncs.apply_stock_chunk(m, repo=repo(), syncs=sync_repo()),
    )


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
