"""The manual channel: a merchant places an order itself, through the same saga."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Merchant
from edge_api.errors import ApiError
from edge_api.openapi import errors
from schemas.commands import PlaceOrder
from schemas.common import OrderLineIn, ShippingAddress
from schemas.envelope import utcnow
from workers.coupon.queries import CouponQueries

router = APIRouter(prefix="/v1/merchant", tags=["orders"])
PLATFORM = "manual"


class ManualOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    client_order_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)
    shipping_address: ShippingAddress
    #: One of the merchant's available coupons to use; without it the best eligible one is.
    coupon_id: str | None = Field(default=None, min_length=1, max_length=200)


class ManualOrderAccepted(BaseModel):
    #: Where the order can be followed: GET /v1/orders/{order_key}.
    order_key: str


@router.post("/orders", status_code=202, responses=errors(503))
async def place_manual_order(body: ManualOrderIn, edge: Edge, caller: Merchant) -> ManualOrderAccepted:
    """Idempotent on the client order id: the same id twice is one order."""
    assert caller.id is not None
    if body.coupon_id is not None:
        coupon = await CouponQueries(edge.db).coupon(body.coupon_id)
        if coupon is None or coupon.merchant_id != caller.id or coupon.status != "available":
            raise ApiError(422, "invalid_field", "coupon_id: not an available coupon of yours")
    key = f"{PLATFORM}:{caller.id}:{body.client_order_id}"
    await edge.publish(
        PlaceOrder(
            correlation_id=key,
            order_key=key,
            platform=PLATFORM,
            shop_id=caller.id,
            platform_order_id=body.client_order_id,
            merchant_id=caller.id,
            lines=body.lines,
            shipping_address=body.shipping_address,
            received_at=utcnow(),
            coupon_id=body.coupon_id,
        )
    )
    return ManualOrderAccepted(order_key=key)
