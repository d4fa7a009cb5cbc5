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
from schemas.promotions import CreatePromotion, EndPromotion
from workers.catalog import handlers, promotions, revisions, selection_subscribers, taxonomy
from workers.catalog.purge import purge_recycle_bin

WORKER = "catalog"


def register(runtime: Runtime) -> None:
    def db() -> handlers.Db:
        return runtime.store.db

    def promos() -> promotions.MongoPromotions:
        return promotions.MongoPromotions(db())

    respond(runtime, WORKER, CreateProduct, lambda m: handlers.create_product(m, db=db()))
    respond(runtime, WORKER, ChangeProductStatus, lambda m: handlers.change_product_status(m, db=db()))
    respond(runtime, WORKER, EditProduct, lambda m: revisions.edit_product(m, db=db()))
    respond(runtime, WORKER, ReviewRevision, lambda m: revisions.review_revision(m, db=db()))
    respond(runtime, WORKER, ChangeSkuPrices, lambda m: revisions.change_sku_prices(m, db=db()))
    respond(runtime, WORKER, CreateCategory, lambda m: taxonomy.create_category(m, db=db()))
    respond(runtime, WORKER, ChangeCategory, lambda m: taxonomy.change_category(m, db=db()))
    respond(runtime, WORKER, CreateBrand, lambda m: taxonomy.create_brand(m, db=db()))
    respond(runtime, WORKER, CreateProductModel, lambda m: taxonomy.create_product_model(m, db=db()))
    respond(runtime, WORKER, CreatePromotion, lambda m: promotions.create_promotion(m, repo=promos()))
    respond(runtime, WORKER, EndPromotion, lambda m: promotions.end_promotion(m, repo=promos()))
    selection_subscribers.register(runtime, WORKER)
    retention = timedelta(days=runtime.settings.recycle_retention_days)
    runtime.periodic.add(
        "catalog.purge_recycle_bin",
        runtime.settings.purge_every_seconds,
        lambda: purge_recycle_bin(db(), utcnow(), retention),
    )


async def prepare(runtime: Runtime) -> None:
    await handlers.ensure_indexes(runtime.store.db)
    await selection_subscribers.prepare(runtime)
    await promotions.ensure_indexes(runtime.store.db)
    await taxonomy.ensure_indexes(runtime.store.db)
