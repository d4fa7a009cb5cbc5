"""What a merchant may sell: listed products at its own tier cost, promotion and stock."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from edge_api.deps import Edge, Merchant
from edge_api.pagination import Cursor, Limit
from juhe.store.pages import Page
from schemas.envelope import utcnow
from workers.catalog.queries import CatalogQueries, MerchantProduct

router = APIRouter(prefix="/v1/merchant", tags=["catalog"])


@router.get("/products")
async def browse_products(
    edge: Edge,
    caller: Merchant,
    listed_since_days: Annotated[int | None, Query(ge=1, le=365)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[MerchantProduct]:
    """Listed products, newest listing first; `listed_since_days=N` gives the new arrivals:
    products first listed in the last N days. Each SKU is priced as an order now would be."""
    assert caller.id is not None
    return await CatalogQueries(edge.db).browse(
        caller.id, listed_since_days=listed_since_days, limit=limit, cursor=cursor, at=utcnow()
    )
