"""Order reads for operators and the owning merchant; the supplier's view of its sub-orders."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from edge_api.auth import Caller
from edge_api.deps import Edge, OperatorOrMerchant, Supplier
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from juhe.store.pages import Page
from schemas.commands import AcceptSubOrder, ShipSubOrder
from workers.order.model import SubOrderAction, may_request
from workers.order.queries import OrderFilter, OrderQueries, OrderView, SubOrderView

router = APIRouter(prefix="/v1", tags=["orders"])


@router.get("/orders/{order_key}", responses=errors(404))
async def get_order(order_key: str, edge: Edge, caller: OperatorOrMerchant) -> OrderView:
    order = await OrderQueries(edge.db).order(order_key)
    if order is None or (not caller.is_operator and order.merchant_id != caller.id):
        raise not_found("order")
    return order if caller.is_operator else order.for_merchant()


@router.get("/orders")
async def list_orders(
    edge: Edge,
    caller: OperatorOrMerchant,
    status: str | None = None,
    platform: str | None = None,
    merchant_id: str | None = None,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[OrderView]:
    """Newest first; a merchant sees only its own orders."""
    merchant = merchant_id if caller.is_operator else caller.id
    where = OrderFilter(status, platform, merchant, received_from=from_, received_before=to)
    page = await OrderQueries(edge.db).orders(where, limit=limit, cursor=cursor)
    if caller.is_operator:
        return page
    return page.model_copy(update={"items": [order.for_merchant() for order in page.items]})


@router.get("/supplier/orders")
async def supplier_orders(
    edge: Edge, caller: Supplier, status: str | None = None, limit: Limit = 50, cursor: Cursor = None
) -> Page[SubOrderView]:
    """Oldest first. A supplier's main key sees all its sub-orders; an account's key only that
    account's."""
    assert caller.id is not None
    return await OrderQueries(edge.db).supplier_sub_orders(
        caller.id, caller.account_id, status, limit=limit, cursor=cursor
    )


async def own_sub_order(edge: Edge, caller: Caller, sub_order_id: str) -> SubOrderView:
    """The caller's sub-order (its supplier's, and its account's for an account key), else 404."""
    sub = await OrderQueries(edge.db).sub_order(sub_order_id)
    if sub is None or sub.supplier_id != caller.id:
        raise not_found("sub-order")
    if caller.account_id is not None and sub.account_id != caller.account_id:
        raise not_found("sub-order")
    return sub


class SubOrderRef(BaseModel):
    id: str


@router.post("/supplier/orders/{sub_order_id}/accept", status_code=202, responses=errors(404, 409, 503))
async def accept(sub_order_id: str, edge: Edge, caller: Supplier) -> SubOrderRef:
    """Acknowledge a sub-order (an ERP's ack of a push); a repeat is harmless."""
    sub = await own_sub_order(edge, caller, sub_order_id)
    if not may_request(SubOrderAction.ACCEPT, sub.status):
        raise ApiError(409, "conflict", f"sub-order is {sub.status}")
    await edge.publish(
        AcceptSubOrder(correlation_id=sub.order_key, sub_order_id=sub_order_id, supplier_id=sub.supplier_id)
    )
    return SubOrderRef(id=sub_order_id)


class ShipmentIn(BaseModel):
    carrier: str = Field(min_length=1, max_length=64)
    tracking_no: str = Field(min_length=1, max_length=64)


@router.post("/supplier/orders/{sub_order_id}/shipments", status_code=202, responses=errors(404, 409, 503))
async def ship(sub_order_id: str, body: ShipmentIn, edge: Edge, caller: Supplier) -> SubOrderRef:
    """Ship a sub-order, accepted or not; a repeat is harmless (the first shipment stays)."""
    sub = await own_sub_order(edge, caller, sub_order_id)
    if not may_request(SubOrderAction.SHIP, sub.status):
        raise ApiError(409, "conflict", f"a {sub.status} sub-order cannot be shipped")
    await edge.publish(
        ShipSubOrder(
            correlation_id=sub.order_key,
            sub_order_id=sub_order_id,
            supplier_id=sub.supplier_id,
            carrier=body.carrier,
            tracking_no=body.tracking_no,
        )
    )
    return SubOrderRef(id=sub_order_id)
