"""Replacement orders (补单): the operator or the owning merchant reships shipped lines.

The early 409/422 apply the worker's own rules (`workers.order.model.reships`) to the stored
order; the worker checks again when it claims the units, so racing requests cannot pass them.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.auth import Caller
from edge_api.deps import Edge, Merchant, Operator
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from schemas.common import StockLine
from schemas.reship import OpenReship, RequestedBy, ReshipId, ReshipReason
from workers.accounts.queries import AccountsQueries
from workers.order.model.reships import (
    Refusal,
    account_refusal,
    line_suppliers,
    reship_key,
    reship_refusal,
)
from workers.order.reship_queries import ReshipQueries

router = APIRouter(prefix="/v1", tags=["reships"])
STATUS = {"conflict": 409, "invalid": 422}


class ReshipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: Chosen by the caller: the same id on the same order is the same reship (sent once).
    reship_id: ReshipId
    reason: ReshipReason
    lines: list[StockLine] = Field(min_length=1, max_length=200)


class OperatorReshipIn(ReshipIn):
    #: Debit the merchant the reshipped lines' cost; by default nothing is charged.
    charge: bool = False
    #: Another account of the lines' supplier; by default the original sub-order's account.
    account_id: str | None = Field(default=None, min_length=1, max_length=64)


class ReshipAccepted(BaseModel):
    """The reship is queued; follow it at GET /v1/orders/{reship_key}."""

    reship_key: str
    order_key: str
    reship_id: str


@router.post("/orders/{order_key}/reships", status_code=202, responses=errors(404, 409, 422, 503))
async def reship_for_operator(
    order_key: str, body: OperatorReshipIn, edge: Edge, caller: Operator
) -> ReshipAccepted:
    """Reship shipped lines of any order, to the original account or another of the supplier's,
    charged or not."""
    return await _open(edge, caller, order_key, body, "operator", body.charge, body.account_id)


@router.post("/merchant/orders/{order_key}/reships", status_code=202, responses=errors(404, 409, 422, 503))
async def reship_for_merchant(order_key: str, body: ReshipIn, edge: Edge, caller: Merchant) -> ReshipAccepted:
    """Reship shipped lines of one's own order: to the original account, never charged."""
    return await _open(edge, caller, order_key, body, "merchant", False, None)


async def _open(
    edge: Edge,
    caller: Caller,
    order_key: str,
    body: ReshipIn,
    by: RequestedBy,
    charge: bool,
    account_id: str | None,
) -> ReshipAccepted:
    found = await ReshipQueries(edge.db).with_sub_orders(order_key)
    if found is None or (not caller.is_operator and found[0].merchant_id != caller.id):
        raise not_found("order")
    order, subs = found
    key = reship_key(order_key, body.reship_id)
    accepted = ReshipAccepted(reship_key=key, order_key=order_key, reship_id=body.reship_id)
    if any(claim.key == key for claim in order.reships):  # a repeat: already opened
        return accepted
    _refuse(reship_refusal(order, subs, body.lines))
    if account_id is not None:
        suppliers = line_suppliers(order, body.lines)
        accounts = (
            await AccountsQueries(edge.db).account_ids(next(iter(suppliers)))
            if len(suppliers) == 1
            else set()
        )
        _refuse(account_refusal(suppliers, account_id, accounts))
    await edge.publish(
        OpenReship(
            correlation_id=order_key,
            order_key=order_key,
            reship_id=body.reship_id,
            merchant_id=order.merchant_id,
            reason=body.reason,
            lines=body.lines,
            requested_by=by,
            charge=charge,
            account_id=account_id,
        )
    )
    return accepted


def _refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise ApiError(
            STATUS[refusal.kind],
            "conflict" if refusal.kind == "conflict" else "invalid_field",
            refusal.message,
        )
