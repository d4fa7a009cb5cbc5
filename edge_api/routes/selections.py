"""Selection (选品上架): a merchant lists SKUs of listed products on its shops at its own price.

Writes are request/reply to the selection worker; the worker pushes each change to the shop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Merchant
from edge_api.errors import not_found
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from juhe.store.pages import Page
from schemas.common import Sku
from schemas.selection import (
    ChangeSelectionPrice,
    RemoveSelection,
    RetailPrice,
    SelectionStatus,
    SelectionView,
    SelectSku,
    selection_id,
)
from workers.selection.queries import SelectionQueries

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


@router.post("", status_code=201, responses=errors(404, 409, 503))
async def select(body: SelectionIn, edge: Edge, caller: Merchant) -> SelectionView:
    """Idempotent: the same shop + SKU is one selection (same id) however often it is sent."""
    assert caller.id is not None
    sid = selection_id(body.platform, body.shop_id, body.sku)
    command = SelectSku(correlation_id=sid, selection_id=sid, merchant_id=caller.id, **body.model_dump())
    return SelectionView.model_validate(await edge.ask(command))


@router.patch("/{sid}", responses=errors(404, 409, 503))
async def change_price(sid: str, body: PriceIn, edge: Edge, caller: Merchant) -> SelectionView:
    """409 for a delisted selection: select the SKU again to list it."""
    assert caller.id is not None
    command = ChangeSelectionPrice(
        correlation_id=sid, selection_id=sid, merchant_id=caller.id, retail_price=body.retail_price
    )
    return SelectionView.model_validate(await edge.ask(command))


@router.delete("/{sid}", responses=errors(404, 503))
async def remove(sid: str, edge: Edge, caller: Merchant) -> SelectionView:
    assert caller.id is not None
    command = RemoveSelection(correlation_id=sid, selection_id=sid, merchant_id=caller.id)
    return SelectionView.model_validate(await edge.ask(command))


@router.get("/{sid}", responses=errors(404))
async def get_selection(sid: str, edge: Edge, caller: Merchant) -> SelectionView:
    assert caller.id is not None
    found = await SelectionQueries(edge.db).selection(sid, caller.id)
    if found is None:
        raise not_found("selection")
    return found


@router.get("")
async def list_selections(
    edge: Edge,
    caller: Merchant,
    platform: Annotated[str | None, Query(max_length=64)] = None,
    shop_id: Annotated[str | None, Query(max_length=64)] = None,
    status: SelectionStatus | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[SelectionView]:
    assert caller.id is not None
    return await SelectionQueries(edge.db).selections(
        caller.id, platform=platform, shop_id=shop_id, status=status, limit=limit, cursor=cursor
    )
