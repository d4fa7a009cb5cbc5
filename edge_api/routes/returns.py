"""Returns (退货): the supplier's list and receipt, the buyer's return tracking, and the
operator's calls (approve damaged units, reject, refund without return). A step the return is
past is a 409 here; the order worker applies the same rule (`may_act`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Operator, OperatorOrMerchant, Supplier
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from juhe.store.pages import Page
from schemas.after_sale import (
    ApproveDamaged,
    GrantRefundOnly,
    ReceivedLine,
    ReceiveReturn,
    RejectReturn,
    ReturnShippedBack,
)
from schemas.common import ShortText
from workers.order.model.returns import ReturnAction, may_act, receipt_refusal
from workers.order.refunds_queries import RefundQueries, ReturnView

router = APIRouter(prefix="/v1", tags=["after-sale"])


@router.get("/supplier/returns")
async def supplier_returns(
    edge: Edge, caller: Supplier, state: str | None = None, limit: Limit = 50, cursor: Cursor = None
) -> Page[ReturnView]:
    """Oldest first; an account's key sees only that account's returns."""
    assert caller.id is not None
    return await RefundQueries(edge.db).supplier_returns(
        caller.id, caller.account_id, state, limit=limit, cursor=cursor
    )


class ReturnRef(BaseModel):
    id: str


class ReceiptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lines: list[ReceivedLine] = Field(min_length=1, max_length=200)


async def _return(edge: Edge, return_id: str, action: ReturnAction) -> ReturnView:
    ret = await RefundQueries(edge.db).return_(return_id)
    if ret is None:
        raise not_found("return")
    if not may_act(action, ret.state):
        raise ApiError(409, "conflict", f"the return is {ret.state}")
    return ret


@router.post("/supplier/returns/{return_id}/receive", status_code=202, responses=errors(404, 409, 422, 503))
async def receive_return(return_id: str, body: ReceiptIn, edge: Edge, caller: Supplier) -> ReturnRef:
    """What came back, per SKU: units received and how many of them are damaged."""
    ret = await RefundQueries(edge.db).return_document(return_id)
    if ret is None or ret.supplier_id != caller.id:
        raise not_found("return")
    if caller.account_id is not None and ret.account_id != caller.account_id:
        raise not_found("return")
    if not may_act(ReturnAction.RECEIVE, ret.state):
        raise ApiError(409, "conflict", f"the return is {ret.state}")
    if (refusal := receipt_refusal(ret, body.lines)) is not None:
        raise ApiError(422, "invalid_field", refusal)
    await edge.publish(
        ReceiveReturn(
            correlation_id=ret.order_key, return_id=return_id, supplier_id=ret.supplier_id, lines=body.lines
        )
    )
    return ReturnRef(id=return_id)


class TrackingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    carrier: str = Field(min_length=1, max_length=64)
    tracking_no: str = Field(min_length=1, max_length=64)


@router.post("/returns/{return_id}/tracking", status_code=202, responses=errors(404, 409, 503))
async def return_tracking(
    return_id: str, body: TrackingIn, edge: Edge, caller: OperatorOrMerchant
) -> ReturnRef:
    """The buyer's return shipment: the return is in transit."""
    found = await RefundQueries(edge.db).return_(return_id)
    if found is None:
        raise not_found("return")
    refund = await RefundQueries(edge.db).refund(found.refund_key)
    if not caller.is_operator and (refund is None or refund.merchant_id != caller.id):
        raise not_found("return")
    ret = await _return(edge, return_id, ReturnAction.SHIP_BACK)
    await edge.publish(
        ReturnShippedBack(
            correlation_id=ret.order_key,
            return_id=return_id,
            carrier=body.carrier,
            tracking_no=body.tracking_no,
        )
    )
    return ReturnRef(id=return_id)


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: ShortText


@router.post("/returns/{return_id}/approve-damaged", status_code=202, responses=errors(404, 409, 503))
async def approve_damaged(return_id: str, edge: Edge, _: Operator) -> ReturnRef:
    """Credit the damaged units the supplier received."""
    ret = await _return(edge, return_id, ReturnAction.APPROVE_DAMAGED)
    if not any(line.damaged for line in ret.lines):
        raise ApiError(409, "conflict", "the return has no damaged units")
    await edge.publish(ApproveDamaged(correlation_id=ret.order_key, return_id=return_id))
    return ReturnRef(id=return_id)


@router.post("/returns/{return_id}/reject", status_code=202, responses=errors(404, 409, 503))
async def reject_return(return_id: str, body: ReasonIn, edge: Edge, _: Operator) -> ReturnRef:
    """Refuse the return; its units can be refunded again later."""
    ret = await _return(edge, return_id, ReturnAction.REJECT)
    await edge.publish(RejectReturn(correlation_id=ret.order_key, return_id=return_id, reason=body.reason))
    return ReturnRef(id=return_id)


@router.post("/returns/{return_id}/refund-only", status_code=202, responses=errors(404, 409, 503))
async def refund_only(return_id: str, body: ReasonIn, edge: Edge, _: Operator) -> ReturnRef:
    """Credit the return's units without the goods coming back (no restock)."""
    ret = await _return(edge, return_id, ReturnAction.REFUND_ONLY)
    await edge.publish(GrantRefundOnly(correlation_id=ret.order_key, return_id=return_id, reason=body.reason))
    return ReturnRef(id=return_id)
