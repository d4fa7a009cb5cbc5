"""After-sale (售后): refunds by the merchant or the operator, and the refunds' list (each with
its lines, credits, returns and history). The steps of a return are in `returns`.

Quantities above what is left to refund are refused by the order worker, which keeps the reason
on the refund (`GET /v1/refunds/{key}`) and in the order's change log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Merchant, Operator, OperatorOrMerchant
from edge_api.errors import not_found
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from juhe.store.pages import Page
from schemas.after_sale import (
    RefundSource,
    RequestRefund,
)
from schemas.common import ShortText, StockLine
from workers.order.queries import OrderQueries
from workers.order.refunds_queries import RefundFilter, RefundQueries, RefundView

router = APIRouter(prefix="/v1", tags=["after-sale"])
RefundId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")]


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refund_id: RefundId
    reason: ShortText
    #: Leave out to refund everything still refundable.
    lines: list[StockLine] | None = Field(default=None, min_length=1, max_length=200)


class RefundAccepted(BaseModel):
    #: Where the refund can be followed: GET /v1/refunds/{refund_key}.
    refund_key: str


async def _request(
    edge: Edge, order_key: str, merchant_id: str, refund_key: str, body: RefundIn, source: RefundSource
) -> RefundAccepted:
    cmd = RequestRefund(
        correlation_id=order_key,
        refund_key=refund_key,
        refund_id=body.refund_id,
        order_key=order_key,
        merchant_id=merchant_id,
        source=source,
        reason=body.reason,
        lines=body.lines,
    )
    await edge.publish(cmd)
    return RefundAccepted(refund_key=refund_key)


@router.post("/merchant/orders/{order_key}/refunds", status_code=202, responses=errors(404, 503))
async def merchant_refund(order_key: str, body: RefundIn, edge: Edge, caller: Merchant) -> RefundAccepted:
    """Refund the merchant's own order, in full or by SKU and quantity; idempotent on the refund id."""
    order = await OrderQueries(edge.db).order(order_key)
    if order is None or order.merchant_id != caller.id:
        raise not_found("order")
    return await _request(
        edge, order_key, order.merchant_id, f"merchant:{caller.id}:{body.refund_id}", body, "merchant"
    )


@router.post("/orders/{order_key}/refunds", status_code=202, responses=errors(404, 503))
async def operator_refund(order_key: str, body: RefundIn, edge: Edge, _: Operator) -> RefundAccepted:
    """Refund any order, in full or by SKU and quantity; idempotent on the refund id."""
    order = await OrderQueries(edge.db).order(order_key)
    if order is None:
        raise not_found("order")
    return await _request(edge, order_key, order.merchant_id, f"operator:{body.refund_id}", body, "operator")


@router.get("/refunds")
async def list_refunds(
    edge: Edge,
    caller: OperatorOrMerchant,
    state: str | None = None,
    order_key: str | None = None,
    merchant_id: str | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[RefundView]:
    """Newest first, each with its lines, credits, returns and history; a merchant sees its own."""
    merchant = merchant_id if caller.is_operator else caller.id
    return await RefundQueries(edge.db).refunds(
        RefundFilter(state, order_key, merchant), limit=limit, cursor=cursor
    )


@router.get("/refunds/{refund_key}", responses=errors(404))
async def get_refund(refund_key: str, edge: Edge, caller: OperatorOrMerchant) -> RefundView:
    refund = await RefundQueries(edge.db).refund(refund_key)
    if refund is None or (not caller.is_operator and refund.merchant_id != caller.id):
        raise not_found("refund")
    return refund
