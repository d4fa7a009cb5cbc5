"""Logistics tracking: checkpoints from the supplier and from 快递100's push, the supplier's
corrections of a shipment, and the shipping exceptions ops must look at."""

from __future__ import annotations

from datetime import datetime

import structlog
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from edge_api import kuaidi100
from edge_api.deps import Edge, Operator, Supplier
from edge_api.errors import ApiError
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from edge_api.routes.orders import SubOrderRef, own_sub_order
from juhe.store.pages import Page
from schemas.envelope import utcnow
from schemas.tracking import CheckpointIn, Code, CorrectShipment, RecordTracking
from workers.order.model import SubOrderStatus
from workers.order.model.tracking_rules import ExceptionKind, correction_refusal
from workers.order.tracking_queries import ShippingExceptionView, TrackingQueries

router = APIRouter(prefix="/v1", tags=["tracking"])
_log = structlog.get_logger("edge.tracking")


class CheckpointsIn(BaseModel):
    checkpoints: list[CheckpointIn] = Field(min_length=1, max_length=100)


class TrackingTaken(BaseModel):
    id: str
    checkpoints: int


@router.post("/supplier/orders/{sub_order_id}/tracking", status_code=202, responses=errors(404, 409, 503))
async def report_tracking(
    sub_order_id: str, body: CheckpointsIn, edge: Edge, caller: Supplier
) -> TrackingTaken:
    """Checkpoints of the sub-order's current shipment; each scan is stored once."""
    sub = await own_sub_order(edge, caller, sub_order_id)
    if sub.status != SubOrderStatus.SHIPPED or sub.shipment is None:
        raise ApiError(409, "conflict", f"a {sub.status} sub-order has no shipment to track")
    await edge.publish(
        RecordTracking(
            correlation_id=sub.order_key,
            order_key=sub.order_key,
            sub_order_id=sub.id,
            carrier=sub.shipment.carrier,
            tracking_no=sub.shipment.tracking_no,
            source="supplier",
            checkpoints=body.checkpoints,
        )
    )
    return TrackingTaken(id=sub.id, checkpoints=len(body.checkpoints))


class CorrectionIn(BaseModel):
    carrier: Code
    tracking_no: Code
    reason: str | None = Field(default=None, max_length=200)


@router.post(
    "/supplier/orders/{sub_order_id}/shipment/corrections", status_code=202, responses=errors(404, 409, 503)
)
async def correct_shipment(
    sub_order_id: str, body: CorrectionIn, edge: Edge, caller: Supplier
) -> SubOrderRef:
    """Correct the carrier or tracking number (at most 3 times); the shop gets a new shipment
    sync. The shipment as it already is: a harmless repeat."""
    sub = await own_sub_order(edge, caller, sub_order_id)
    refusal = correction_refusal(
        sub.status, sub.shipment, len(sub.corrections), body.carrier, body.tracking_no
    )
    if refusal is not None:
        raise ApiError(409, "conflict", refusal)
    await edge.publish(
        CorrectShipment(
            correlation_id=sub.order_key,
            sub_order_id=sub.id,
            supplier_id=sub.supplier_id,
            carrier=body.carrier,
            tracking_no=body.tracking_no,
            reason=body.reason,
        )
    )
    return SubOrderRef(id=sub.id)


class Kuaidi100Ack(BaseModel):
    """快递100's own success answer (anything else and it pushes again)."""

    result: bool
    returnCode: str
    message: str


KUAIDI100_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["param", "sign"],
                    "properties": {
                        "param": {"type": "string", "description": "JSON: status, message, lastResult"},
                        "sign": {"type": "string", "description": "upper-case hex MD5(param + salt)"},
                    },
                }
            }
        },
    }
}


@router.post("/carriers/kuaidi100/tracking", responses=errors(401, 422, 503), openapi_extra=KUAIDI100_FORM)
async def kuaidi100_push(request: Request, edge: Edge) -> Kuaidi100Ack:
    """快递100's subscription push. A parcel no shipment has (now) is accepted and ignored: a
    refusal would only make 快递100 push it again (e.g. a number since corrected)."""
    param, sign = kuaidi100.form_fields(await request.body())
    if not kuaidi100.signed_by(param, sign, edge.settings.kuaidi100_salt):
        raise ApiError(401, "bad_signature", "the push's sign does not match")
    push = kuaidi100.parsed(param)
    last = push.lastResult
    shipment = await TrackingQueries(edge.db).shipment(last.com, last.nu)
    if shipment is None:
        _log.info("kuaidi100.ignored", why="no shipment with this carrier and number", com=last.com)
        return Kuaidi100Ack.model_validate(kuaidi100.ACCEPTED)
    await edge.publish(
        RecordTracking(
            correlation_id=shipment.order_key,
            order_key=shipment.order_key,
            sub_order_id=shipment.sub_order_id,
            carrier=last.com,
            tracking_no=last.nu,
            source="kuaidi100",
            checkpoints=[scan.checkpoint() for scan in last.data],
            carrier_state=last.state or None,
        )
    )
    return Kuaidi100Ack.model_validate(kuaidi100.ACCEPTED)


@router.get("/ops/shipping-exceptions")
async def shipping_exceptions(
    edge: Edge,
    caller: Operator,
    kind: ExceptionKind | None = None,
    now: datetime | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ShippingExceptionView]:
    """Shipped sub-orders whose parcel needs a person, computed at `now` (default: the present):
    no pickup 48 h after shipping, no checkpoint for 72 h, 拒签, 退签, 疑难. A page holds up to
    `limit` sub-orders, each with every exception it has."""
    at = now or utcnow()
    if at.tzinfo is None:
        raise ApiError(422, "invalid_field", "now: a time with a timezone, e.g. 2026-05-01T12:00:00+08:00")
    return await TrackingQueries(edge.db).shipping_exceptions(at, kind, limit=limit, cursor=cursor)
