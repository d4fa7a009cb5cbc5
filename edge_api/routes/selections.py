"""Selection (选品上架): a merchant lists SKUs of listed products on its shops at its own price.

Writes are request/reply to the catalog worker; the worker pushes each change to the shop.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Merchant
from edge_api.errors import not_found
from edge_api.pagination import Cursor, Limit, page
from schemas.common import Sku
from schemas.selection import ChangeSelectionPrice, RemoveSelection, RetailPrice, SelectSku, selection_id
from workers.catalog.selection import view

router = APIRouter(prefix="/v1/merchant/selections", tags=["selection"])
ShopField = Annotated[str, Field(min_length=1, max_length=64)]


class SelectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    platform: ShopField
    shop_id: ShopField
    sku: Sku
    retail_price: RetailPrice


class PriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    retail_price: RetailPrice


@router.post("", status_code=201)
async def select(body: SelectionIn, edge: Edge, caller: Merchant) -> dict[str, Any]:
    """Idempotent: the same shop + SKU is one selection (same id) however often it is sent."""
    assert caller.id is not None
    sid = selection_id(body.platform, body.shop_id, body.sku)
    return await edge.ask(
        SelectSku(correlation_id=sid, selection_id=sid, merchant_id=caller.id, **body.model_dump())
    )


@router.patch("/{sid}")
async def change_price(sid: str, body: PriceIn, edge: Edge, caller: Merchant) -> dict[str, Any]:
    assert caller.id is not None
    cmd = ChangeSelectionPrice(
        correlation_id=sid, selection_id=sid, merchant_id=caller.id, retail_price=body.retail_price
    )
    return await edge.ask(cmd)


@router.delete("/{sid}")
async def remove(sid: str, edge: Edge, caller: Merchant) -> dict[str, Any]:
    assert caller.id is not None
    return await edge.ask(RemoveSelection(correlation_id=sid, selection_id=sid, merchant_id=caller.id))


@router.get("/{sid}")
async def get_selection(sid: str, edge: Edge, caller: Merchant) -> dict[str, Any]:
    doc = await edge.db["selections"].find_one({"_id": sid, "merchant_id": caller.id})
    if doc is None:
        raise not_found("selection")
    return view(doc)


@router.get("")
async def list_selections(
    edge: Edge,
    caller: Merchant,
    platform: Annotated[str | None, Query(max_length=64)] = None,
    shop_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(pattern="^(listed|delisted)$")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    query: dict[str, Any] = {"merchant_id": caller.id}
    filters = {"platform": platform, "shop_id": shop_id, "status": status}
    query.update({k: v for k, v in filters.items() if v is not None})
    return await page(
        edge.db["selections"], query, field="_id", limit=limit, cursor=cursor, descending=False, render=view
    )
