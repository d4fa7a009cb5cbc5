"""Catalog's request/reply subscriptions."""

from __future__ import annotations

from juhe.messaging.consumer import respond
from juhe.runtime import Runtime
from schemas.catalog import ChangeProductStatus, CreateProduct
from schemas.promotions import CreatePromotion, EndPromotion
from workers.catalog import handlers, promotions, selection_subscribers

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
    selection_subscribers.register(runtime, WORKER)
    respond(
        runtime,
        WORKER,
        CreatePromotion,
        lambda m: promotions.create_promotion(m, repo=promotions.MongoPromotions(runtime.store.db)),
    )
    respond(
        runtime,
        WORKER,
        EndPromotion,
        lambda m: promotions.end_promotion(m, repo=promotions.MongoPromotions(runtime.store.db)),
    )


async def prepare(runtime: Runtime) -> None:
    await handlers.ensure_indexes(runtime.store.db)
    await selection_subscribers.prepare(runtime)
    await promotions.ensure_indexes(runtime.store.db)
