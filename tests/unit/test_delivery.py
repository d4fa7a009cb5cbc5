"""Outbound deliveries: retry with growing backoff, dead-letter visibly after the give-up time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from juhe.outgoing import DeadLetterError, Later
from schemas.commands import DeliverShipment
from schemas.envelope import utcnow
from workers.order.delivery import DeliveryDeps, deliver_shipment
from workers.order.saga import SagaDeps

SHIPMENT = {"carrier": "SF", "tracking_no": "SF1"}


class Orders:
    def __init__(self) -> None:
        self.logged: list[dict[str, Any]] = []

    async def get(self, key: str) -> dict[str, Any]:
        return {"_id": key, "platform": "generic", "shop_id": "s1", "platform_order_id": "P-1"}

    async def get_sub_order(self, sub_id: str) -> dict[str, Any]:
        return {"_id": sub_id, "shipment": SHIPMENT, "lines": [{"sku": "A", "qty": 1}]}

    async def log_once(self, key: str, entry: dict[str, Any], sub_id: str) -> None:
        self.logged.append(entry)


class Shops:
    async def shop(self, platform: str, shop_id: str) -> dict[str, Any]:
        return {
            "platform": platform,
            "shop_id": shop_id,
            "callback_url": "http://shop.test/cb",
            "webhook_secret": "s",
        }


def deps(orders: Orders, status: int, give_up: timedelta) -> DeliveryDeps:
    async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        return status

    saga = SagaDeps(orders, Shops(), funds_hold_seconds=60)  # type: ignore[arg-type]
    return DeliveryDeps(saga, post, give_up)


async def test_a_refused_callback_is_scheduled_again_with_the_next_backoff_step() -> None:
    orders = Orders()
    cmd = DeliverShipment(correlation_id="o1", order_key="o1", sub_order_id="so1", attempt=2)
    [retry] = await deliver_shipment(cmd, deps=deps(orders, 503, timedelta(days=1)))
    assert isinstance(retry, Later)
    assert retry.seconds == 30
    assert isinstance(retry.message, DeliverShipment)
    assert (retry.message.attempt, retry.message.sub_order_id) == (3, "so1")
    assert retry.message.message_id != cmd.message_id
    assert orders.logged == []


async def test_after_the_give_up_time_the_delivery_is_dead_lettered_and_logged() -> None:
    orders = Orders()
    first = utcnow() - timedelta(days=1, seconds=1)
    cmd = DeliverShipment(
        correlation_id="o1", order_key="o1", sub_order_id="so1", attempt=30, first_attempt_at=first
    )
    with pytest.raises(DeadLetterError, match="gave up after 30 attempts"):
        await deliver_shipment(cmd, deps=deps(orders, 500, timedelta(days=1)))
    assert [(e["type"], e["data"]["attempts"], e["data"]["error"]) for e in orders.logged] == [
        ("shipment_synced_failed", 30, "HTTP 500")
    ]


async def test_a_2xx_answer_ends_the_retries() -> None:
    orders = Orders()
    cmd = DeliverShipment(correlation_id="o1", order_key="o1", sub_order_id="so1")
    assert await deliver_shipment(cmd, deps=deps(orders, 204, timedelta(days=1))) == []
    assert [e["type"] for e in orders.logged] == ["shipment_synced"]
