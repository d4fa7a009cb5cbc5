"""`generic`: a shop signs with its own HMAC-SHA256 secret (API.md "Platform webhooks")."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from juhe.platforms.base import Doc, Kind, ParsedOrder, ParsedRefund, Verification, load_json, validate
from juhe.signing import signed_headers, verify
from schemas.common import OrderLineIn, ShippingAddress, StockLine

PlatformId = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")


class OrderWebhook(BaseModel):
    model_config = ConfigDict(extra="ignore")
    order_id: str = PlatformId
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)
    shipping_address: ShippingAddress


class RefundWebhook(BaseModel):
    model_config = ConfigDict(extra="ignore")
    refund_id: str = PlatformId
    order_id: str = PlatformId
    reason: str = Field(min_length=1, max_length=500)
    lines: list[StockLine] | None = Field(default=None, min_length=1, max_length=200)


def accepted_secrets(shop: Doc, now: datetime) -> list[str]:
    """The current secret, and the previous one while its rotation grace period lasts."""
    secrets = [shop["webhook_secret"]]
    previous, until = shop.get("previous_webhook_secret"), shop.get("previous_secret_expires_at")
    if previous and until is not None and _aware(until) > now:
        secrets.append(previous)
    return secrets


def _aware(at: datetime) -> datetime:
    """The store may hand datetimes back naive (UTC); compare them as UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


class GenericAdapter:
    name = "generic"
    signer: Literal["shop", "app"] = "shop"
    one_url = False

    def signer_id(self, headers: Mapping[str, str], raw_body: bytes) -> str | None:
        return headers.get("x-juhe-shop", "")

    def verify(self, headers: Mapping[str, str], raw_body: bytes, credentials: Doc, at: Verification) -> bool:
        timestamp = headers.get("x-juhe-timestamp", "")
        given = headers.get("x-juhe-signature", "")
        now = at.now.timestamp()
        return any(
            verify(secret, timestamp, raw_body, given, skew=at.skew_seconds, now=now)
            for secret in accepted_secrets(credentials, at.now)
        )

    def is_handshake(self, raw_body: bytes) -> bool:
        return False

    def parse_orders(self, raw_body: bytes) -> list[ParsedOrder]:
        order = validate(OrderWebhook, load_json(raw_body, "request body"))
        return [ParsedOrder(order.order_id, order.lines, order.shipping_address)]

    def parse_refunds(self, raw_body: bytes) -> list[ParsedRefund]:
        refund = validate(RefundWebhook, load_json(raw_body, "request body"))
        return [ParsedRefund(refund.refund_id, refund.order_id, refund.reason, refund.lines)]

    def acknowledge(self, kind: Kind, order_keys: list[str], refund_keys: list[str]) -> tuple[int, Doc]:
        if kind == "orders":
            return 202, {"order_key": order_keys[0]}
        return 202, {"refund_key": refund_keys[0]}

    def outbound(
        self, kind: str, body: Doc, shop: Doc, app: Doc | None = None
    ) -> tuple[bytes, dict[str, str]]:
        event: dict[str, Any] = {**body, "type": kind}
        raw = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        return raw, signed_headers(shop["webhook_secret"], shop["shop_id"], raw)


ADAPTER = GenericAdapter()
