"""Catalog's request/reply subscriptions and its periodic recycle-bin purge."""

from __future__ import annotations

from datetime import timedelta

from juhe.messaging.consumer import respond
from juhe.runtime import Runtime
from schemas.catalog import (
    ChangeCategory,
    ChangeProductStatus,
    ChangeSkuPrices,
    CreateBrand,
    CreateCategory,
    CreateProduct,
    CreateProductModel,
    EditProduct,
    ReviewRevision,
)
from schemas.envelope import utcnow
from workers.catalog import handlers, revisions, taxonomy
from workers.catalog.purge import purge_recycle_bin

WORKER = "catalog"


def register(runtime: Runtime) -> None:
    tiers = runtime.settings.tiers
    respond(
        runtime,
        WORKER,
        CreateProduct,
        lambda m: handlers.create_product(m, db=runtime.store.db, tiers=tiers),
    )
    respond(
        runtime,
        WORKER,
        ChangeProductStatus,
        lambda m: handlers.change_product_status(m, db=runtime.store.db),
    )
    respond(runtime, WORKER, CreateCategory, lambda m: taxonomy.create_category(m, db=runtime.store.db))
    respond(runtime, WORKER, ChangeCategory, lambda m: taxonomy.change_category(m, db=runtime.store.db))
    respond(runtime, WORKER, CreateBrand, lambda m: taxonomy.create_brand(m, db=runtime.store.db))
    respond(
        runtime, WORKER, CreateProductModel, lambda m: taxonomy.create_product_model(m, db=runtime.store.db)
    )
    respond(runtime, WORKER, EditProduct, lambda m: revisions.edit_product(m, db=runtime.store.db))
    respond(runtime, WORKER, ReviewRevision, lambda m: revisions.review_revision(m, db=runtime.store.db))
    respond(
        runtime,
        WORKER,
        ChangeSkuPrices,
        lambda m: revisions.change_sku_prices(m, db=runtime.store.db, tiers=tiers),
    )
    retention = timedelta(days=runtime.settings.recycle_retention_days)
    runtime.periodic.add(
        "catalog.purge_recycle_bin",
        runtime.settings.recycle_purge_every_seconds,
        lambda: purge_recycle_bin(runtime.store.db, utcnow(), retention),
    )


async def prepare(runtime: Runtime) -> None:
    await handlers.ensure_indexes(runtime.store.db)
    await taxonomy.ensure_indexes(runtime.store.db)
