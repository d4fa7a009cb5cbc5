"""What a merchant may sell: listed products at its own tier cost, promotion and stock."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from edge_api.deps import Edge, Merchant
from edge_api.merchant_view import merchant_tier, sku_views
from edge_api.pagination import Cursor, Limit, page
from schemas.envelope import utcnow

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
        cutoff = (now - timedelta(days=listed_since_days)).isoformat(timespec="microseconds")
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
    products: list[Doc] = found["items"]
    skus = await sku_views(edge, products, await merchant_tier(edge, caller.id), now)
    items = [_product(doc, [skus[code] for code in doc["skus"] if code in skus]) for doc in products]
    return {"items": items, "next_cursor": found["next_cursor"]}


def _product(doc: Doc, skus: list[Doc]) -> Doc:
    fields = ("supplier_id", "name", "category", "brand", "category_id", "brand_id", "model_id", "listed_at")
    return {"id": doc["_id"], **{f: doc.get(f) for f in fields}, "skus": skus}
