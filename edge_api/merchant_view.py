"""SKUs as a merchant sees them: its own tier cost, an active promotion, available stock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from edge_api.context import EdgeContext
from workers.inventory.queries import InventoryQueries, StockLevel

Doc = dict[str, Any]


async def merchant_tier(edge: EdgeContext, merchant_id: str | None) -> str:
    merchant = await edge.db["merchants"].find_one({"_id": merchant_id}, {"tier": 1}) or {}
    return str(merchant.get("tier", ""))


async def sku_views(edge: EdgeContext, products: list[Doc], tier: str, now: datetime) -> dict[str, Doc]:
    """Three reads for the whole page: SKUs by product, their stock, their active promotion."""
    if not products:
        return {}
    db = edge.db
    ids = [doc["_id"] for doc in products]
    sku_docs = await db["skus"].find({"product_id": {"$in": ids}}).to_list()
    codes = [doc["_id"] for doc in sku_docs]
    stock = await InventoryQueries(db).stock_levels(codes)
    active = {"$elemMatch": {"starts_at": {"$lte": now}, "ends_at": {"$gt": now}}}
    windows = {
        d["_id"]: d["windows"][0]
        async for d in db["promotion_skus"].find({"_id": {"$in": codes}}, {"windows": active})
        if d.get("windows")
    }
    return {doc["_id"]: sku_view(doc, tier, stock[doc["_id"]], windows.get(doc["_id"])) for doc in sku_docs}


def sku_view(doc: Doc, tier: str, stock: StockLevel, window: Doc | None) -> Doc:
    promotion = None
    if window is not None and tier in window["tier_prices"]:
        promotion = {
            "id": window["promotion_id"],
            "cost": window["tier_prices"][tier],
            "ends_at": window["ends_at"],
        }
    return {
        "sku": doc["_id"],
        "specs": doc.get("specs", {}),
        "cost": doc.get("tier_prices", {}).get(tier),
        "promotion": promotion,
        "available": stock.available,
    }
