"""Accounts' request/reply subscriptions."""

from __future__ import annotations

from juhe.messaging.consumer import respond
from juhe.runtime import Runtime
from schemas.accounts import AddShop, ChangeMerchantTier, CreateMerchant, CreateSupplier
from schemas.supplier_accounts import CreateSupplierAccount, SetSupplierRouting
from workers.accounts import handlers, routing

WORKER = "accounts"


def register(runtime: Runtime) -> None:
    tiers = runtime.settings.tiers
    respond(runtime, WORKER, CreateSupplier, lambda m: handlers.create_supplier(m, db=runtime.store.db))
    respond(
        runtime,
        WORKER,
        CreateMerchant,
        lambda m: handlers.create_merchant(m, db=runtime.store.db, tiers=tiers),
    )
    respond(
        runtime,
        WORKER,
        ChangeMerchantTier,
        lambda m: handlers.change_merchant_tier(m, db=runtime.store.db, tiers=tiers),
    )
    respond(runtime, WORKER, AddShop, lambda m: handlers.add_shop(m, db=runtime.store.db))
    respond(
        runtime,
        WORKER,
        CreateSupplierAccount,
        lambda m: routing.create_supplier_account(m, db=runtime.store.db),
    )
    respond(
        runtime,
        WORKER,
        SetSupplierRouting,
        lambda m: routing.set_supplier_routing(m, db=runtime.store.db, tiers=tiers),
    )


async def prepare(runtime: Runtime) -> None:
    await handlers.ensure_indexes(runtime.store.db)
    await routing.ensure_indexes(runtime.store.db)
