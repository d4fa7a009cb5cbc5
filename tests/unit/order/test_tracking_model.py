"""Tracking rules: the carrier-state table, the checkpoint merge, the state a report sets, and
the shipping exceptions ops see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schemas.common import StockLine
from schemas.tracking import CheckpointIn, RecordTracking, TrackingState
from tests.unit.order.world import ADDRESS
from workers.order.model import Shipment, SubOrder, SubOrderStatus
from workers.order.model.tracking import (
    Tracking,
    carrier_code,
    checkpoints_of,
    juhe_state,
    merge_checkpoints,
    tracking_update,
)
from workers.order.model.tracking_rules import (
    ExceptionKind,
    all_delivered,
    correction_refusal,
    shipping_exceptions,
)

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
TS = TrackingState


@pytest.mark.parametrize(
    ("code", "state"),
    [
        ("0", TS.IN_TRANSIT),
        ("1", TS.PICKED_UP),
        ("2", TS.EXCEPTION),
        ("3", TS.DELIVERED),
        ("4", TS.RETURNED),
        ("5", TS.OUT_FOR_DELIVERY),
        ("6", TS.RETURNED),
        ("8", TS.IN_TRANSIT),
        ("14", TS.EXCEPTION),
    ],
)
def test_each_kuaidi100_state_maps_onto_one_juhe_state(code: str, state: TrackingState) -> None:
    assert juhe_state(code) == state


def test_a_state_named_in_chinese_is_its_code_and_unknown_ones_are_no_state() -> None:
    assert [carrier_code(v) for v in ("签收", " 揽收 ", "14", "转单", "99", None)] == [
        "3",
        "1",
        "14",
        None,
        None,
        None,
    ]
    assert juhe_state("7") is None


def report(
    *scans: tuple[datetime, str, str | None], state: str | None = None, tracking_no: str = "YT1"
) -> RecordTracking:
    return RecordTracking(
        correlation_id="k",
        order_key="k",
        sub_order_id="so_1",
        carrier="yuantong",
        tracking_no=tracking_no,
        source="kuaidi100",
        checkpoints=[CheckpointIn(at=at, context=text, carrier_state=code) for at, text, code in scans],
        carrier_state=state,
    )


def test_the_same_scan_twice_in_one_report_or_across_reports_is_one_checkpoint() -> None:
    first = checkpoints_of(report((T0, "已揽收", "揽收"), (T0, "已揽收", "揽收")))
    later = checkpoints_of(report((T0 + timedelta(hours=5), "到达杭州", "在途"), (T0, "已揽收", "揽收")))
    assert len(first) == 1
    merged = merge_checkpoints(first, later)
    assert [(c.context, c.state) for c in merged] == [("到达杭州", TS.IN_TRANSIT), ("已揽收", TS.PICKED_UP)]
    assert merge_checkpoints(merged, later) == merged


def test_another_tracking_number_makes_other_checkpoints() -> None:
    a = checkpoints_of(report((T0, "已揽收", None)))
    b = checkpoints_of(report((T0, "已揽收", None), tracking_no="YT2"))
    assert a[0].id != b[0].id


def test_the_reports_named_state_holds_as_of_its_newest_checkpoint() -> None:
    cmd = report((T0 + timedelta(hours=9), "已签收", None), (T0, "已揽收", None), state="3")
    update = tracking_update(cmd, checkpoints_of(cmd))
    assert update is not None
    assert (update.state, update.as_of, update.carrier_state) == (TS.DELIVERED, T0 + timedelta(hours=9), "3")
    assert (update.first_at, update.last_at) == (T0, T0 + timedelta(hours=9))


def test_without_a_named_state_the_newest_stated_checkpoint_decides_else_in_transit() -> None:
    cmd = report((T0 + timedelta(hours=2), "扫描", None), (T0, "已揽收", "1"))
    update = tracking_update(cmd, checkpoints_of(cmd))
    assert update is not None
    assert (update.state, update.as_of, update.last_at) == (TS.PICKED_UP, T0, T0 + timedelta(hours=2))
    bare = report((T0, "扫描", None))
    unnamed = tracking_update(bare, checkpoints_of(bare))
    assert unnamed is not None
    assert unnamed.state == TS.IN_TRANSIT
    assert tracking_update(report(state="3"), []) is None


def shipped(tracking: Tracking | None = None, status: SubOrderStatus = SubOrderStatus.SHIPPED) -> SubOrder:
    return SubOrder(
        id="so_1",
        order_key="k",
        supplier_id="sup",
        merchant_id="m",
        status=status,
        lines=[StockLine(sku="A1", qty=1)],
        shipping_address=ADDRESS,
        routed_at=T0,
        list_key="x",
        shipment=Shipment(carrier="yuantong", tracking_no="YT1", shipped_at=T0),
        tracking=tracking,
    )


def kinds(sub: SubOrder, now: datetime) -> list[tuple[ExceptionKind, datetime]]:
    return [(e.kind, e.since) for e in shipping_exceptions(sub, now)]


def test_no_checkpoint_48_hours_after_shipping_is_no_pickup() -> None:
    assert kinds(shipped(), T0 + timedelta(hours=47, minutes=59)) == []
    assert kinds(shipped(), T0 + timedelta(hours=48)) == [(ExceptionKind.NO_PICKUP, T0)]


def test_no_new_checkpoint_for_72_hours_is_no_update_unless_the_parcel_arrived() -> None:
    last = T0 + timedelta(hours=10)
    moving = Tracking(state=TS.IN_TRANSIT, as_of=last, first_at=T0, last_at=last)
    assert kinds(shipped(moving), last + timedelta(hours=71)) == []
    assert kinds(shipped(moving), last + timedelta(hours=72)) == [(ExceptionKind.NO_UPDATE, last)]
    arrived = moving.model_copy(update={"state": TS.DELIVERED})
    assert kinds(shipped(arrived), last + timedelta(days=30)) == []


@pytest.mark.parametrize(
    ("code", "state", "kind"),
    [
        ("14", TS.EXCEPTION, ExceptionKind.REFUSED),
        ("4", TS.RETURNED, ExceptionKind.RETURNED_TO_SENDER),
        ("2", TS.EXCEPTION, ExceptionKind.PROBLEM),
        (None, TS.EXCEPTION, ExceptionKind.PROBLEM),
    ],
)
def test_refused_signed_back_and_problem_parcels_are_exceptions_at_once(
    code: str | None, state: TrackingState, kind: ExceptionKind
) -> None:
    tracking = Tracking(state=state, as_of=T0, carrier_state=code, first_at=T0, last_at=T0)
    assert kinds(shipped(tracking), T0 + timedelta(minutes=1)) == [(kind, T0)]


def test_a_parcel_on_its_way_or_not_shipped_is_no_exception() -> None:
    moving = Tracking(state=TS.OUT_FOR_DELIVERY, as_of=T0, carrier_state="5", first_at=T0, last_at=T0)
    assert kinds(shipped(moving), T0 + timedelta(hours=1)) == []
    assert kinds(shipped(status=SubOrderStatus.ACCEPTED), T0 + timedelta(days=9)) == []


def test_the_order_is_complete_when_every_live_sub_order_is_delivered() -> None:
    delivered = shipped(Tracking(state=TS.DELIVERED, as_of=T0))
    moving = shipped(Tracking(state=TS.IN_TRANSIT, as_of=T0))
    cancelled = shipped(status=SubOrderStatus.CANCELLED)
    assert all_delivered([delivered, delivered.model_copy(update={"id": "so_2"})])
    assert all_delivered([delivered, cancelled])
    assert not all_delivered([delivered, moving])
    assert not all_delivered([cancelled])
    assert not all_delivered([])


def test_a_shipment_may_be_corrected_three_times_and_the_same_values_are_no_correction() -> None:
    sub = shipped()
    assert sub.shipment is not None
    assert correction_refusal(sub.status, sub.shipment, 2, "sf", "SF9") is None
    assert correction_refusal(sub.status, sub.shipment, 3, "sf", "SF9") == (
        "a shipment may be corrected at most 3 times"
    )
    assert correction_refusal(sub.status, sub.shipment, 3, "yuantong", "YT1") is None
    assert correction_refusal(SubOrderStatus.ACCEPTED, None, 0, "sf", "SF9") == (
        "the sub-order is accepted: it has no shipment to correct"
    )
