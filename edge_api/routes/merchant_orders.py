"""The manual channel: a merchant places an order itself, through the same saga."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Merchant
from edge_api.openapi import errors
from schemas.commands import PlaceOrder
from schemas.common import OrderLineIn, ShippingAddress
from schemas.envelope import utcnow

router = APIRouter(prefix="/v1/merchant", tags=["orders"])
PLATFORM = "manual"


class ManualOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    client_order_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)
    shipping_address: ShippingAddress


class ManualOrderAccepted(BaseModel):
    #: Where the order can be followed: GET /v1/orders/{order_key}.
    order_key: str


@router.post("/orders", status_code=202, responses=errors(503))
async def place_manual_order(body: ManualOrderIn, edge: Edge, caller: Merchant) -> ManualOrderAccepted:
    """Idempotent on the client order id: the same id twice is one order."""
    assert caller.id is not None
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
        )
    )
    return ManualOrderAccepted(order_key=key)
