"""What merchants see: SKUs at their own tier's price with available stock, and the browse."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from juhe.store.pages import Page, keyset_page
from schemas.catalog import ProductStatus
from workers.accounts.queries import AccountsQueries
from workers.catalog.model import Product, PromotionWindow, Sku
from workers.catalog.model.base import PRODUCTS, PROMOTION_SKUS, SKUS
from workers.catalog.queries.views import MerchantProduct, MerchantSku, merchant_sku
from workers.inventory.queries import InventoryQueries


async def active_windows(db: Any, skus: list[str], at: datetime) -> dict[str, list[PromotionWindow]]:
    """One read by `_id`, keeping only the window holding `at` (one SKU's windows never overlap)."""
    active = {"$elemMatch": {"starts_at": {"$lte": at}, "ends_at": {"$gt": at}}}
    cursor = db[PROMOTION_SKUS].find({"_id": {"$in": skus}}, {"windows": active})
    return {
        doc["_id"]: [PromotionWindow.model_validate(w) for w in doc.get("windows", [])]
        async for doc in cursor
    }


async def tier_of(db: Any, merchant_id: str) -> str:
    """The merchant's tier ("" if unknown, which prices nothing)."""
    return await AccountsQueries(db).merchant_tier(merchant_id) or ""


async def merchant_skus(db: Any, product_ids: list[str], tier: str, at: datetime) -> dict[str, MerchantSku]:
    """Three reads for a whole page: the products' SKUs, their stock, their active promotions."""
    if not product_ids:
        return {}
    skus = [Sku.model_validate(d) async for d in db[SKUS].find({"product_id": {"$in": product_ids}})]
    codes = [sku.id for sku in skus]
    stock = await InventoryQueries(db).stock_levels(codes)
    windows = await active_windows(db, codes, at)
    return {
        sku.id: merchant_sku(sku, windows.get(sku.id, []), tier, at, stock[sku.id].available) for sku in skus
    }


async def browse(
    db: Any, merchant_id: str, *, listed_since_days: int | None, limit: int, cursor: str | None, at: datetime
) -> Page[MerchantProduct]:
    """Listed products, newest listing first; `listed_since_days` keeps the new arrivals."""
    query: dict[str, Any] = {"status": ProductStatus.LISTED, "listed_key": {"$exists": True}}
    if listed_since_days is not None:
        cutoff = (at - timedelta(days=listed_since_days)).isoformat(timespec="microseconds")
        query["$and"] = [{"listed_key": {"$gte": cutoff}}]  # kept apart from the cursor's bound
    docs, next_cursor = await keyset_page(
        db[PRODUCTS], query, field="listed_key", limit=limit, cursor=cursor, descending=True
    )
    products = [Product.model_validate(doc) for doc in docs]
    skus = await merchant_skus(db, [p.id for p in products], await tier_of(db, merchant_id), at)
    return Page(items=[_browsed(p, skus) for p in products], next_cursor=next_cursor)


def _browsed(product: Product, skus: dict[str, MerchantSku]) -> MerchantProduct:
    head = product.model_dump(
        include={"id", "supplier_id", "name", "category", "brand", "category_id", "brand_id", "model_id"}
    )
    return MerchantProduct(
        **head, listed_at=product.listed_at, skus=[skus[code] for code in product.skus if code in skus]
    )
