"""Catalog's request/reply subscriptions and its periodic recycle-bin purge."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta

from juhe.messaging.consumer import respond
from juhe.replies import Reply
from juhe.runtime import Runtime
from schemas.catalog import (
    ChangeCategory,
    ChangeProductStatus,
    ChangeSkuPrices,
    CreateBrand,
    CreateCategory,
    CreateProduct,
    CreateProductModel,
    CreatePromotion,
    EditProduct,
    EndPromotion,
    ReviewRevision,
)
from schemas.envelope import utcnow
from workers.accounts.queries import AccountsQueries
from workers.catalog.handlers import products as product_rules
from workers.catalog.handlers import promotions as promotion_rules
from workers.catalog.handlers import revisions
from workers.catalog.handlers import taxonomy as taxonomy_rules
from workers.catalog.repository import MongoProducts, MongoPromotions, MongoTaxonomy, ensure_indexes

WORKER = "catalog"


def register(runtime: Runtime) -> None:
    _register_products(runtime)
    _register_revisions(runtime)
    _register_taxonomy(runtime)
    _register_promotions(runtime)
    retention = timedelta(days=runtime.settings.recycle_retention_days)
    runtime.periodic.add(
        "catalog.purge_recycle_bin",
        runtime.settings.purge_every_seconds,
        lambda: MongoProducts(runtime.store.db).purge_recycle_bin(utcnow(), retention),
    )


def _register_products(runtime: Runtime) -> None:
    def products() -> MongoProducts:
        return MongoProducts(runtime.store.db)

    def create(m: CreateProduct) -> Awaitable[Reply]:
        db = runtime.store.db
        return product_rules.create_product(
            m, products=products(), taxonomy=MongoTaxonomy(db), tiers=AccountsQueries(db)
        )

    respond(runtime, WORKER, CreateProduct, create)
    respond(
        runtime,
        WORKER,
        ChangeProductStatus,
        lambda m: product_rules.change_product_status(m, products=products()),
    )


def _register_revisions(runtime: Runtime) -> None:
    def products() -> MongoProducts:
        return MongoProducts(runtime.store.db)

    def edit(m: EditProduct) -> Awaitable[Reply]:
        return revisions.edit_product(m, products=products(), taxonomy=MongoTaxonomy(runtime.store.db))

    def change_prices(m: ChangeSkuPrices) -> Awaitable[Reply]:
        return revisions.change_sku_prices(m, products=products(), tiers=AccountsQueries(runtime.store.db))

    respond(runtime, WORKER, EditProduct, edit)
    respond(runtime, WORKER, ReviewRevision, lambda m: revisions.review_revision(m, products=products()))
    respond(runtime, WORKER, ChangeSkuPrices, change_prices)


def _register_taxonomy(runtime: Runtime) -> None:
    def store() -> MongoTaxonomy:
        return MongoTaxonomy(runtime.store.db)

    respond(runtime, WORKER, CreateCategory, lambda m: taxonomy_rules.create_category(m, taxonomy=store()))
    respond(runtime, WORKER, ChangeCategory, lambda m: taxonomy_rules.change_category(m, taxonomy=store()))
    respond(runtime, WORKER, CreateBrand, lambda m: taxonomy_rules.create_brand(m, taxonomy=store()))
    respond(
        runtime,
        WORKER,
        CreateProductModel,
        lambda m: taxonomy_rules.create_product_model(m, taxonomy=store()),
    )


def _register_promotions(runtime: Runtime) -> None:
    def store() -> MongoPromotions:
        return MongoPromotions(runtime.store.db)

    respond(
        runtime, WORKER, CreatePromotion, lambda m: promotion_rules.create_promotion(m, promotions=store())
    )
    respond(runtime, WORKER, EndPromotion, lambda m: promotion_rules.end_promotion(m, promotions=store()))


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
