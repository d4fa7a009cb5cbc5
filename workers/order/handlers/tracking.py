"""Logistics tracking: checkpoints stored once, the shipment's state moved forward only, each
state change announced to the shop once, the order completed when every parcel is delivered,
and the supplier's corrections of a shipment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog

from juhe.outgoing import Later, Outgoing
from schemas.envelope import utcnow
from schemas.routing import BACKOFF_SECONDS
from schemas.tracking import (
    DeliverTracking,
    OrderCompleted,
    RecordTracking,
    TrackingState,
)
from workers.order.handlers.ports import OrderStore
from workers.order.handlers.tracking_ports import TrackingStore
from workers.order.model import LogEntry, Order, OrderStatus, OrderStep, SubOrder
from workers.order.model.tracking import (
    change_key,
    checkpoints_of,
    tracking_update,
)
from workers.order.model.tracking_rules import (
    TRACKING_CHANGED,
    all_delivered,
    changes_of,
    newest_change,
    push_overdue,
)

_log = structlog.get_logger("order.tracking")
#: A delay the topology declares: the first step of the outbound backoff.
COMPLETION_RECHECK_SECONDS = BACKOFF_SECONDS[0]


@dataclass(frozen=True)
class TrackingDeps:
    orders: OrderStore
    tracking: TrackingStore


async def record_tracking(cmd: RecordTracking, *, deps: TrackingDeps) -> list[Outgoing]:
    """Store the report's checkpoints once and move the state forward; the follow-ups are
    derived from what is stored, so a repeat (every push repeats the history) re-derives them."""
    sub = await deps.orders.get_sub_order(cmd.sub_order_id)
    if sub is None or sub.shipment is None or sub.shipment.tracking_no != cmd.tracking_no:
        # A corrected number's late pushes, or a report racing the correction: not this parcel.
        _log.info("tracking.ignored", why="not the sub-order's current shipment", source=cmd.source)
        return []
    checkpoints = checkpoints_of(cmd)
    added = await deps.tracking.add_checkpoints(checkpoints)
    update = tracking_update(cmd, checkpoints)
    stored = (
        None
        if update is None
        else await deps.tracking.advance_tracking(sub.id, cmd.tracking_no, update.tracking)
    )
    _log.info("tracking.recorded", source=cmd.source, checkpoints=len(checkpoints), new=added)
    if stored is None or stored.tracking is None or stored.shipment is None:
        return []
    out = await _announce(stored, deps)
    if stored.tracking.state == TrackingState.DELIVERED:
        out += await _complete_if_all_delivered(cmd, deps)
    return out


async def _announce(sub: SubOrder, deps: TrackingDeps) -> list[Outgoing]:
    """Log the stored state once if it differs from the last announced one and push that change
    to the shop; a repeat sends a change's push again only when it is overdue (see RESEND_AFTER)."""
    order = await deps.orders.get(sub.order_key)
    if order is None or sub.tracking is None or sub.shipment is None:
        return []
    tracking, tracking_no = sub.tracking, sub.shipment.tracking_no
    last, logged = newest_change(order.events, sub.id, tracking_no), False
    if last is None or last.data.get("state") != tracking.state:
        entry = LogEntry.of(
            TRACKING_CHANGED,
            utcnow(),
            sub_order_id=sub.id,
            tracking_no=tracking_no,
            state=tracking.state.value,
            as_of=tracking.as_of,
            change=change_key(
                tracking_no, len(changes_of(order.events, sub.id, tracking_no)), tracking.state
            ),
            carrier_state=tracking.carrier_state,
        )
        if logged := await deps.tracking.log_change_once(sub.order_key, entry):
            _log.info("tracking.state_changed", state=tracking.state)
        order = await deps.orders.get(sub.order_key) or order
        last = newest_change(order.events, sub.id, tracking_no)
    if last is None or not (logged or push_overdue(order.events, last, utcnow())):
        return []
    return _push_of(last, order, sub.id)


def _push_of(change: LogEntry, order: Order, sub_order_id: str) -> list[Outgoing]:
    """The shop's push of a logged change."""
    as_of = change.data["as_of"]
    if not isinstance(as_of, datetime):
        return []
    return [
        DeliverTracking(
            correlation_id=order.key,
            order_key=order.key,
            sub_order_id=sub_order_id,
            state=TrackingState(str(change.data["state"])),
            as_of=as_of,
            change=str(change.data["change"]),
        )
    ]


async def _complete_if_all_delivered(cmd: RecordTracking, deps: TrackingDeps) -> list[Outgoing]:
    order_key = cmd.order_key
    subs = await deps.tracking.sub_orders_of(order_key)
    if not all_delivered(subs):
        return []
    entry = LogEntry.of("completed", utcnow(), sub_orders=len(subs))
    order = await deps.orders.transition(order_key, OrderStep.COMPLETE, [entry])
    if order is not None and order.status == OrderStatus.ROUTED:
        # Delivered in the instant between its last sub-order shipping and the order being
        # marked shipped: look again shortly (a repeat completes nothing twice).
        return [Later(cmd, COMPLETION_RECHECK_SECONDS)]
    if order is None or order.status != OrderStatus.COMPLETED:
        return []
    _log.info("order.completed", sub_orders=len(subs))
    return [OrderCompleted(correlation_id=order_key, order_key=order_key, merchant_id=order.merchant_id)]
