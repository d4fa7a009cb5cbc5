"""Selection's subscriptions: merchant requests, pushes to shops, and the events it follows."""

from __future__ import annotations

from juhe.messaging.consumer import consume, respond
from juhe.runtime import Runtime
from schemas.events import ProductStatusChanged, StockChanged
from schemas.selection import ChangeSelectionPrice, PushListing, PushStock, RemoveSelection, SelectSku
from workers.accounts.queries import AccountsQueries
from workers.catalog.queries import CatalogQueries
from workers.inventory.queries import InventoryQueries
from workers.selection.handlers import selections, shop_sync
from workers.selection.handlers.ports import Reads, SyncDeps
from workers.selection.repository import MongoSelections, ensure_indexes

WORKER = "selection"


def register(runtime: Runtime) -> None:
    def repo() -> MongoSelections:
        return MongoSelections(runtime.store.db)

    def reads() -> Reads:
        db = runtime.store.db
        return Reads(AccountsQueries(db), CatalogQueries(db), InventoryQueries(db))

    def deps() -> SyncDeps:
        return SyncDeps(repo(), reads(), runtime.post, runtime.give_up_after)

    respond(runtime, WORKER, SelectSku, lambda m: selections.select_sku(m, repo=repo(), reads=reads()))
    respond(runtime, WORKER, ChangeSelectionPrice, lambda m: selections.change_price(m, repo=repo()))
    respond(runtime, WORKER, RemoveSelection, lambda m: selections.remove_selection(m, repo=repo()))
    consume(runtime, WORKER, PushListing, lambda m: shop_sync.push_listing(m, deps=deps()))
    consume(runtime, WORKER, PushStock, lambda m: shop_sync.push_stock(m, deps=deps()))
    consume(runtime, WORKER, StockChanged, lambda m: shop_sync.on_stock_changed(m, repo=repo()))
    consume(
        runtime,
        WORKER,
        ProductStatusChanged,
        lambda m: shop_sync.on_product_status_changed(
            m, repo=repo(), catalog=CatalogQueries(runtime.store.db)
        ),
    )


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
