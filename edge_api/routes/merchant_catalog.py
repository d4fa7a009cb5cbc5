"""What a merchant may sell: listed products at its own tier cost, promotion and stock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from edge_api.deps import Edge, Merchant
from edge_api.pagination import Cursor, Limit, page
from schemas.envelope import utcnow
from workers.inventory.model import available

router = APIRouter(prefix="/v1/merchant", tags=["catalog"])
Doc = dict[str, Any]


@router.get("/products")
async def browse_products(
    edge: Edge,
    caller: Merchant,
    listed_since_days: Annotated[int | None, Query(ge=1, le=365)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Listed products, newest listing first; `listed_since_days=N` gives the new arrivals:
    products first listed in the last N days."""
    now = utcnow()
    query: Doc = {"status": "listed", "listed_key": {"$exists": True}}
    if listed_since_days is not None:
        cutoff = (now - timedelta(days=listed_since_days)).isoformat()
        query["$and"] = [{"listed_key": {"$gte": cutoff}}]  # kept apart from the cursor's bound
    found = await page(
        edge.db["products"],
        query,
        field="listed_key",
        limit=limit,
        cursor=cursor,
        descending=True,
        render=lambda doc: doc,
    )
    merchant = await edge.db["merchants"].find_one({"_id": caller.id}, {"tier": 1}) or {}
    products: list[Doc] = found["items"]
    skus = await _sku_views(edge, products, str(merchant.get("tier", "")), now)
    items = [_product(doc, [skus[code] for code in doc["skus"] if code in skus]) for doc in products]
    return {"items": items, "next_cursor": found["next_cursor"]}


def _product(doc: Doc, skus: list[Doc]) -> Doc:
    fields = ("supplier_id", "name", "category", "brand", "listed_at")
    return {"id": doc["_id"], **{f: doc.get(f) for f in fields}, "skus": skus}


async def _sku_views(edge: Edge, products: list[Doc], tier: str, now: datetime) -> dict[str, Doc]:
    """Three reads for the whole page: SKUs by product, their stock, their active promotion."""
    if not products:
        return {}
    db = edge.db
    ids = [doc["_id"] for doc in products]
    sku_docs = await db["skus"].find({"product_id": {"$in": ids}}).to_list()
    codes = [doc["_id"] for doc in sku_docs]
    stock = {d["_id"]: d async for d in db["stock"].find({"_id": {"$in": codes}})}
    active = {"$elemMatch": {"starts_at": {"$lte": now}, "ends_at": {"$gt": now}}}
    windows = {
        d["_id"]: d["windows"][0]
        async for d in db["promotion_skus"].find({"_id": {"$in": codes}}, {"windows": active})
        if d.get("windows")
    }
    return {
        doc["_id"]: _sku(doc, tier, stock.get(doc["_id"], {}), windows.get(doc["_id"])) for doc in sku_docs
    }


def _sku(doc: Doc, tier: str, stock: Doc, window: Doc | None) -> Doc:
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
        "available": available(stock.get("on_hand", 0), stock.get("reserved", 0)),
    }
