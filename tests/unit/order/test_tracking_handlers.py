"""Tracking handlers on the in-memory twins: each scan stored once, each state change announced
once, the order completed when every parcel is delivered, corrections at most three."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from juhe.outbound import Poster
from juhe.outgoing import Later
from schemas.envelope import utcnow
from schemas.events import OrderShipped
from schemas.tracking import (
    CheckpointIn,
    CorrectShipment,
    DeliverShipmentCorrection,
    DeliverTracking,
    OrderCompleted,
    RecordTracking,
    TrackingState,
)
from tests.unit.order.world import World
from workers.order.handlers import tracking, tracking_corrections, tracking_deliveries
from workers.order.handlers.tracking import COMPLETION_RECHECK_SECONDS
from workers.order.memory import MemoryTracking
from workers.order.model import OrderStatus, Shipment
from workers.order.model.tracking_rules import RESEND_AFTER

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def deps(w: World, store: MemoryTracking) -> tracking.TrackingDeps:
    return tracking.TrackingDeps(w.orders, store)


def push(
    sub_id: str, key: str, *scans: tuple[int, str], state: str | None = None, no: str = "SF1"
) -> RecordTracking:
    return RecordTracking(
        correlation_id=key,
        order_key=key,
        sub_order_id=sub_id,
        carrier="SF",
        tracking_no=no,
        source="kuaidi100",
        checkpoints=[CheckpointIn(at=T0 + timedelta(hours=h), context=text) for h, text in scans],
        carrier_state=state,
    )


async def shipped_order(w: World) -> tuple[str, str, str]:
    key = await w.routed("P1", ("A1", 1), ("B1", 1))
    sub_a, sub_b = w.sub_orders(key)
    await w.ship(sub_a.id, "sup_a")
    out = await w.ship(sub_b.id, "sup_b")
    assert OrderShipped in [type(m) for m in out]
    return key, sub_a.id, sub_b.id


async def test_the_same_full_history_twice_stores_each_scan_once_and_announces_once() -> None:
    w = World()
    store = MemoryTracking(w.orders)
    key, sub_a, _ = await shipped_order(w)
    history = push(sub_a, key, (5, "到达杭州"), (1, "已揽收"), state="0")
    first = await tracking.record_tracking(history, deps=deps(w, store))
    assert [type(m) for m in first] == [DeliverTracking]
    assert isinstance(first[0], DeliverTracking)
    assert (first[0].state, first[0].as_of) == (TrackingState.IN_TRANSIT, T0 + timedelta(hours=5))
    await tracking.record_tracking(history, deps=deps(w, store))
    assert [c.context for c in store.of(sub_a)] == ["到达杭州", "已揽收"]
    assert w.log(key).count("tracking_changed") == 1


async def test_a_newer_report_of_the_same_state_is_no_change_and_an_older_one_moves_nothing_back() -> None:
    w = World()
    store = MemoryTracking(w.orders)
    key, sub_a, _ = await shipped_order(w)
    await tracking.record_tracking(push(sub_a, key, (5, "在途"), state="0"), deps=deps(w, store))
    await tracking.record_tracking(
        push(sub_a, key, (8, "还在途"), (5, "在途"), state="0"), deps=deps(w, store)
    )
    await tracking.record_tracking(push(sub_a, key, (1, "已揽收"), state="1"), deps=deps(w, store))
    sub = w.orders.sub_orders[sub_a]
    assert sub.tracking is not None
    assert (sub.tracking.state, sub.tracking.first_at, sub.tracking.last_at) == (
        TrackingState.IN_TRANSIT,
        T0 + timedelta(hours=1),
        T0 + timedelta(hours=8),
    )
    assert w.log(key).count("tracking_changed") == 1
    assert len(store.of(sub_a)) == 3


async def test_delivered_on_every_sub_order_completes_the_order_once() -> None:
    w = World()
    store = MemoryTracking(w.orders)
    key, sub_a, sub_b = await shipped_order(w)
    await tracking.record_tracking(push(sub_a, key, (9, "已签收"), state="3"), deps=deps(w, store))
    assert w.order(key).status == OrderStatus.SHIPPED
    out = await tracking.record_tracking(push(sub_b, key, (9, "已签收"), state="3"), deps=deps(w, store))
    assert [type(m) for m in out] == [DeliverTracking, OrderCompleted]
    assert w.order(key).status == OrderStatus.COMPLETED
    await tracking.record_tracking(push(sub_b, key, (9, "已签收"), state="3"), deps=deps(w, store))
    assert w.log(key).count("completed") == 1


async def test_a_report_on_another_number_than_the_current_shipment_is_ignored() -> None:
    w = World()
    store = MemoryTracking(w.orders)
    key, sub_a, _ = await shipped_order(w)
    out = await tracking.record_tracking(
        push(sub_a, key, (1, "已揽收"), state="1", no="OLD"), deps=deps(w, store)
    )
    assert out == []
    assert store.checkpoints == {}
    assert w.orders.sub_orders[sub_a].tracking is None


def correction(sub_id: str, no: str, supplier: str = "sup_a") -> CorrectShipment:
    return CorrectShipment(
        correlation_id="k", sub_order_id=sub_id, supplier_id=supplier, carrier="YTO", tracking_no=no
    )


async def test_three_corrections_apply_and_sync_a_fourth_is_refused_a_repeat_re_derives() -> None:
    w = World()
    store = MemoryTracking(w.orders)
    key, sub_a, _ = await shipped_order(w)
    await tracking.record_tracking(push(sub_a, key, (1, "已揽收"), state="1"), deps=deps(w, store))
    synced = []
    for n in (1, 2, 3):
        out = await tracking_corrections.correct_shipment(correction(sub_a, f"YT{n}"), deps=deps(w, store))
        assert [(type(m), getattr(m, "correction", None)) for m in out] == [(DeliverShipmentCorrection, n)]
        synced += out
    assert await tracking_corrections.correct_shipment(correction(sub_a, "YT4"), deps=deps(w, store)) == []
    again = await tracking_corrections.correct_shipment(correction(sub_a, "YT3"), deps=deps(w, store))
    assert again == [synced[-1].model_copy(update={"occurred_at": again[0].occurred_at})]
    sub = w.orders.sub_orders[sub_a]
    assert sub.shipment is not None
    assert (sub.shipment.carrier, sub.shipment.tracking_no, sub.tracking) == ("YTO", "YT3", None)
    assert [(c.number, c.previous_tracking_no) for c in sub.corrections] == [
        (1, "SF1"),
        (2, "YT1"),
        (3, "YT2"),
    ]
    assert w.log(key).count("shipment_corrected") == 3


async def test_another_suppliers_correction_changes_nothing() -> None:
    w = World()
    store = MemoryTracking(w.orders)
    _, sub_a, _ = await shipped_order(w)
    assert (
        await tracking_corrections.correct_shipment(
            correction(sub_a, "YT1", supplier="sup_b"), deps=deps(w, store)
        )
        == []
    )
    assert w.orders.sub_orders[sub_a].corrections == []


def answering(status: int, calls: list[bytes]) -> Poster:
    async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        calls.append(body)
        return status

    return post


async def test_the_shop_gets_each_change_once_and_a_lost_push_is_sent_again_only_when_overdue() -> None:
    w = World()
    store = MemoryTracking(w.orders)
    key, sub_a, _ = await shipped_order(w)
    report = push(sub_a, key, (5, "派件中"), state="5")
    [cmd] = await tracking.record_tracking(report, deps=deps(w, store))
    assert await tracking.record_tracking(report, deps=deps(w, store)) == []  # logged just now: not lost

    changed = w.order(key).events[-1]
    w.orders.orders[key].events[-1] = changed.model_copy(update={"at": utcnow() - RESEND_AFTER})
    [again] = await tracking.record_tracking(report, deps=deps(w, store))  # never sent: overdue
    assert again.message_id == cmd.message_id

    calls: list[bytes] = []
    push_deps = tracking_deliveries.TrackingDeliveryDeps(w.deliveries(answering(204, calls)), store)
    assert isinstance(cmd, DeliverTracking)
    assert await tracking_deliveries.deliver_tracking(cmd, deps=push_deps) == []
    assert await tracking_deliveries.deliver_tracking(cmd, deps=push_deps) == []
    assert [json.loads(body) for body in calls] == [
        {
            "type": "tracking",
            "order_id": "P1",
            "carrier": "SF",
            "tracking_no": "SF1",
            "state": "out_for_delivery",
            "at": (T0 + timedelta(hours=5)).isoformat(),
        }
    ]
    assert w.log(key).count("tracking_synced") == 1
    assert await tracking.record_tracking(report, deps=deps(w, store)) == []  # synced: nothing again


async def test_delivered_before_the_order_is_marked_shipped_looks_again_shortly() -> None:
    w = World()
    store = MemoryTracking(w.orders)
    key = await w.routed("P2", ("A1", 1))
    [sub] = w.sub_orders(key)
    shipment = Shipment(carrier="SF", tracking_no="SF1", shipped_at=T0)
    await w.orders.ship_sub_order(sub.id, "sup_a", shipment)  # stored; the order not yet marked shipped
    report = push(sub.id, key, (9, "已签收"), state="3")
    out = await tracking.record_tracking(report, deps=deps(w, store))
    assert [type(m) for m in out] == [DeliverTracking, Later]
    assert out[-1] == Later(report, COMPLETION_RECHECK_SECONDS)
    assert w.order(key).status == OrderStatus.ROUTED

    await w.ship(sub.id, "sup_a")  # the ship handler finishes: the order is shipped
    again = await tracking.record_tracking(report, deps=deps(w, store))
    assert [type(m) for m in again] == [OrderCompleted]
    assert w.order(key).status == OrderStatus.COMPLETED
