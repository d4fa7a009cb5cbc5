"""Inventory's subscriptions: adapters of a few lines around the handlers."""

from __future__ import annotations

from juhe.messaging.consumer import consume, respond
from juhe.runtime import Runtime
from schemas.after_sale import ReleaseStockUnits, RestockUnits
from schemas.commands import CommitStock, ReleaseStock, ReserveStock, SyncStock
from schemas.events import SkuSelected
from schemas.stock_sync import ApplyStockChunk, StartStockSync
from workers.inventory import handlers
from workers.inventory.repository import (
    MongoInventoryRepository,
    MongoStockSyncRepository,
    Settling,
    ensure_indexes,
)

WORKER = "inventory"


#: How often a process moves the settled holds no later hold of the same SKU has carried.
SETTLE_SWEEP_SECONDS = 30.0


def register(runtime: Runtime) -> None:
    settling = Settling()

    def repo() -> MongoInventoryRepository:
        return MongoInventoryRepository(runtime.store.db, settling)

    def syncs() -> MongoStockSyncRepository:
        return MongoStockSyncRepository(runtime.store.db)

    consume(runtime, WORKER, ReserveStock, lambda m: handlers.reserve_stock(m, repo=repo()))
    consume(runtime, WORKER, ReleaseStock, lambda m: handlers.release_stock(m, repo=repo()))
    consume(runtime, WORKER, CommitStock, lambda m: handlers.commit_stock(m, repo=repo()))
    consume(runtime, WORKER, ReleaseStockUnits, lambda m: handlers.release_units(m, repo=repo()))
    consume(runtime, WORKER, RestockUnits, lambda m: handlers.restock(m, repo=repo()))
    consume(runtime, WORKER, SyncStock, lambda m: handlers.sync_stock(m, repo=repo()))
    consume(runtime, WORKER, SkuSelected, lambda m: handlers.mark_selected(m, repo=repo()))
    respond(runtime, WORKER, StartStockSync, lambda m: handlers.start_stock_sync(m, syncs=syncs()))
    consume(
        runtime,
        WORKER,
        ApplyStockChunk,
        lambda m: handlers.apply_stock_chunk(m, repo=repo(), syncs=syncs()),
    )
    runtime.periodic.add("inventory.settle_holds", SETTLE_SWEEP_SECONDS, lambda: repo().settle_queued())


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
