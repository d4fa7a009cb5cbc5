"""Platform webhooks: verify the shop's signature on the raw body, then accept the order."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edge_api.deps import Edge
from edge_api.errors import ApiError, describe_validation
from juhe.signing import verify
from schemas.commands import PlaceOrder
from schemas.common import OrderLineIn, ShippingAddress
from schemas.envelope import utcnow

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
_log = structlog.get_logger("edge.webhooks")
PLATFORMS = ("generic",)


class OrderWebhook(BaseModel):
    model_config = ConfigDict(extra="ignore")
    order_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)
    shipping_address: ShippingAddress


def _unauthorized(why: str) -> ApiError:
    _log.warning("webhook.refused", why=why)
    return ApiError(401, "bad_signature", "unknown shop, stale timestamp or bad signature")


async def verified_shop(request: Request, edge: Edge, platform: str) -> tuple[dict[str, Any], bytes]:
    if platform not in PLATFORMS:
        raise ApiError(404, "not_found", f"no adapter for platform {platform!r}")
    shop_id = request.headers.get("x-juhe-shop", "")
    shop = await edge.db["shops"].find_one({"_id": f"{platform}:{shop_id}"})
    body = await request.body()
    if shop is None:
        raise _unauthorized("unknown shop")
    timestamp = request.headers.get("x-juhe-timestamp", "")
    given = request.headers.get("x-juhe-signature", "")
    if not verify(
        shop["webhook_secret"], timestamp, body, given, skew=edge.settings.webhook_clock_skew_seconds
    ):
        raise _unauthorized("signature or timestamp")
    return shop, body


def parse_order(body: bytes) -> OrderWebhook:
    try:
        return OrderWebhook.model_validate_json(body)
    except ValidationError as exc:
        status, code, message = describe_validation(list(exc.errors()))
        raise ApiError(status, code, message) from exc


@router.post("/{platform}/orders", status_code=202)
async def order_webhook(platform: str, request: Request, edge: Edge) -> dict[str, str]:
    shop, body = await verified_shop(request, edge, platform)
    order = parse_order(body)
    key = f"{platform}:{shop['shop_id']}:{order.order_id}"
    await edge.publish(
        PlaceOrder(
            correlation_id=key,
            order_key=key,
            platform=platform,
            shop_id=shop["shop_id"],
            platform_order_id=order.order_id,
            merchant_id=shop["merchant_id"],
            lines=order.lines,
            shipping_address=order.shipping_address,
            received_at=utcnow(),
        )
    )
    return {"order_key": key}
