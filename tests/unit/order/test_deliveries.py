"""Outbound deliveries: retry with growing backoff, dead-letter visibly after the give-up time;
a sub-order's push state is kept on it for its supplier to see."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from juhe.outbound import Poster
from juhe.outgoing import DeadLetterError, Later
from schemas.commands import DeliverShipment, PushSubOrder
from schemas.envelope import utcnow
from tests.unit.order.world import World
from workers.order.handlers.deliveries import deliver_shipment, push_sub_order
from workers.order.model import LogEntry, PushStatus

DELIVERY_LOG = ("shipment_synced", "sub_order_pushed")


def answering(status: int, calls: list[tuple[str, bytes]] | None = None) -> Poster:
    async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        if calls is not None:
            calls.append((url, body))
        return status

    return post


async def shipped(w: World) -> tuple[str, str]:
    key = await w.routed("P-1", ("A1", 1))
    [sub] = w.sub_orders(key)
    await w.ship(sub.id, "sup_a")
    return key, sub.id


def logged(w: World, key: str) -> list[LogEntry]:
    return [e for e in w.order(key).events if e.type.startswith(DELIVERY_LOG)]


async def test_a_refused_callback_is_scheduled_again_with_the_next_backoff_step() -> None:
    w = World()
    key, sub_id = await shipped(w)
    cmd = DeliverShipment(correlation_id=key, order_key=key, sub_order_id=sub_id, attempt=2)
    [retry] = await deliver_shipment(cmd, deps=w.deliveries(answering(503), timedelta(days=1)))
    assert isinstance(retry, Later)
    assert retry.seconds == 30
    assert isinstance(retry.message, DeliverShipment)
    assert (retry.message.attempt, retry.message.sub_order_id) == (3, sub_id)
    assert retry.message.message_id != cmd.message_id
    assert logged(w, key) == []


async def test_after_the_give_up_time_the_delivery_is_dead_lettered_and_logged() -> None:
    w = World()
    key, sub_id = await shipped(w)
    first = utcnow() - timedelta(days=1, seconds=1)
    cmd = DeliverShipment(
        correlation_id=key, order_key=key, sub_order_id=sub_id, attempt=30, first_attempt_at=first
    )
    with pytest.raises(DeadLetterError, match="gave up after 30 attempts"):
        await deliver_shipment(cmd, deps=w.deliveries(answering(500), timedelta(days=1)))
    assert [(e.type, e.data["attempts"], e.data["error"]) for e in logged(w, key)] == [
        ("shipment_synced_failed", 30, "HTTP 500")
    ]


async def test_a_2xx_answer_ends_the_retries() -> None:
    w = World()
    key, sub_id = await shipped(w)
    calls: list[tuple[str, bytes]] = []
    cmd = DeliverShipment(correlation_id=key, order_key=key, sub_order_id=sub_id)
    assert await deliver_shipment(cmd, deps=w.deliveries(answering(204, calls), timedelta(days=1))) == []
    assert [e.type for e in logged(w, key)] == ["shipment_synced"]
    [(url, body)] = calls
    assert url == "http://shop.test/cb"
    assert json.loads(body) == {
        "type": "shipment",
        "order_id": "P-1",
        "carrier": "SF",
        "tracking_no": "SF1",
        "lines": [{"sku": "A1", "qty": 1}],
    }


async def test_the_same_outcome_delivered_twice_is_logged_once() -> None:
    w = World()
    key, sub_id = await shipped(w)
    cmd = DeliverShipment(correlation_id=key, order_key=key, sub_order_id=sub_id)
    for _ in range(2):
        await deliver_shipment(cmd, deps=w.deliveries(answering(200)))
    assert [e.type for e in logged(w, key)] == ["shipment_synced"]


async def test_a_shop_without_a_callback_url_gets_no_shipment_sync() -> None:
    w = World()
    w.accounts.add_shop("generic", "shop1", callback_url=None)
    key, sub_id = await shipped(w)
    calls: list[tuple[str, bytes]] = []
    cmd = DeliverShipment(correlation_id=key, order_key=key, sub_order_id=sub_id)
    assert await deliver_shipment(cmd, deps=w.deliveries(answering(200, calls))) == []
    assert (calls, logged(w, key)) == ([], [])


async def test_a_sub_order_not_shipped_has_nothing_to_sync() -> None:
    w = World()
    key = await w.routed("P-1", ("A1", 1))
    [sub] = w.sub_orders(key)
    cmd = DeliverShipment(correlation_id=key, order_key=key, sub_order_id=sub.id)
    with pytest.raises(DeadLetterError, match="nothing shipped"):
        await deliver_shipment(cmd, deps=w.deliveries(answering(200)))


async def pushed_sub_order(w: World) -> tuple[str, str]:
    w.accounts.add_account("acc_erp", "sup_a", webhook_url="http://erp.test/in")
    w.accounts.route("sup_a", {"default": True, "account_id": "acc_erp"})
    key = await w.routed("P-1", ("A1", 2))
    [sub] = w.sub_orders(key)
    return key, sub.id


async def test_a_delivered_push_is_recorded_on_the_sub_order_and_logged_once() -> None:
    w = World()
    key, sub_id = await pushed_sub_order(w)
    calls: list[tuple[str, bytes]] = []
    cmd = PushSubOrder(correlation_id=key, order_key=key, sub_order_id=sub_id)
    assert await push_sub_order(cmd, deps=w.deliveries(answering(200, calls))) == []
    [(url, body)] = calls
    pushed = json.loads(body)
    assert url == "http://erp.test/in"
    assert (pushed["id"], pushed["supplier_id"], pushed["account_id"], pushed["status"]) == (
        sub_id,
        "sup_a",
        "acc_erp",
        "routed",
    )
    assert pushed["lines"] == [{"sku": "A1", "qty": 2}]
    push = w.orders.sub_orders[sub_id].push
    assert push is not None
    assert (push.attempts, push.status, push.error) == (1, PushStatus.DELIVERED, None)
    assert [e.type for e in logged(w, key)] == ["sub_order_pushed"]


async def test_a_failing_push_is_retrying_then_failed_after_the_give_up_time() -> None:
    w = World()
    key, sub_id = await pushed_sub_order(w)
    cmd = PushSubOrder(correlation_id=key, order_key=key, sub_order_id=sub_id, attempt=2)
    [retry] = await push_sub_order(cmd, deps=w.deliveries(answering(500)))
    assert isinstance(retry, Later)
    push = w.orders.sub_orders[sub_id].push
    assert push is not None
    assert (push.attempts, push.status) == (2, PushStatus.RETRYING)
    assert logged(w, key) == []

    last = PushSubOrder(
        correlation_id=key,
        order_key=key,
        sub_order_id=sub_id,
        attempt=9,
        first_attempt_at=utcnow() - timedelta(days=2),
    )
    with pytest.raises(DeadLetterError, match="gave up after 9 attempts"):
        await push_sub_order(last, deps=w.deliveries(answering(500)))
    push = w.orders.sub_orders[sub_id].push
    assert push is not None
    assert (push.attempts, push.status) == (9, PushStatus.FAILED)
    assert push.error == "order.push_sub_order gave up after 9 attempts: HTTP 500"
    assert w.orders.sub_orders[sub_id].status == "routed"
    assert [(e.type, e.data["attempts"]) for e in logged(w, key)] == [("sub_order_pushed_failed", 9)]


async def test_a_late_earlier_attempt_does_not_overwrite_a_newer_push_state() -> None:
    w = World()
    key, sub_id = await pushed_sub_order(w)
    newer = PushSubOrder(correlation_id=key, order_key=key, sub_order_id=sub_id, attempt=3)
    await push_sub_order(newer, deps=w.deliveries(answering(200)))
    older = PushSubOrder(correlation_id=key, order_key=key, sub_order_id=sub_id, attempt=2)
    await push_sub_order(older, deps=w.deliveries(answering(500)))
    push = w.orders.sub_orders[sub_id].push
    assert push is not None
    assert (push.attempts, push.status) == (3, PushStatus.DELIVERED)


async def test_a_sub_order_of_a_pull_supplier_is_never_pushed() -> None:
    w = World()
    key = await w.routed("P-1", ("A1", 1))
    [sub] = w.sub_orders(key)
    calls: list[tuple[str, bytes]] = []
    cmd = PushSubOrder(correlation_id=key, order_key=key, sub_order_id=sub.id)
    with pytest.raises(DeadLetterError, match="no webhook supplier or account"):
        await push_sub_order(cmd, deps=w.deliveries(answering(200, calls)))
    assert (calls, w.orders.sub_orders[sub.id].push) == ([], None)
