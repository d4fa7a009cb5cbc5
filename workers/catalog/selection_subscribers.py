"""Selection's subscriptions on the catalog worker: merchant requests, pushes, and the events it follows."""

from __future__ import annotations

from juhe.messaging.consumer import consume, respond
from juhe.runtime import Runtime
from schemas.events import ProductStatusChanged, StockChanged
from schemas.selection import ChangeSelectionPrice, PushListing, PushStock, RemoveSelection, SelectSku
from workers.catalog import listing_sync, selection
from workers.catalog.selection_repo import MongoSelectionRepository, ensure_indexes


def register(runtime: Runtime, worker: str) -> None:
    def repo() -> MongoSelectionRepository:
        return MongoSelectionRepository(runtime.store.db)

    def deps() -> listing_sync.SyncDeps:
        return listing_sync.SyncDeps(repo(), runtime.post, runtime.give_up_after)

    respond(runtime, worker, SelectSku, lambda m: selection.select_sku(m, repo=repo()))
    respond(runtime, worker, ChangeSelectionPrice, lambda m: selection.change_price(m, repo=repo()))
    respond(runtime, worker, RemoveSelection, lambda m: selection.remove_selection(m, repo=repo()))
    consume(runtime, worker, PushListing, lambda m: listing_sync.push_listing(m, deps=deps()))
    consume(runtime, worker, PushStock, lambda m: listing_sync.push_stock(m, deps=deps()))
    consume(runtime, worker, StockChanged, lambda m: listing_sync.on_stock_changed(m, repo=repo()))
    consume(
        runtime,
        worker,
        ProductStatusChanged,
        lambda m: listing_sync.on_product_status_changed(m, repo=repo()),
    )


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
