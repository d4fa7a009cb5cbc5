"""Signed pushes to the shop about a shipment after it shipped: each tracking state change (a
`tracking` event) and each correction (a new `shipment` sync); retried like every push, each
outcome logged once per change on the order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog

from juhe.outbound import send, shop_request
from juhe.outgoing import DeadLetterError, Outgoing
from schemas.commands import OutboundDelivery
from schemas.envelope import utcnow
from schemas.tracking import DeliverShipmentCorrection, DeliverTracking
from workers.order.handlers.deliveries import DeliveryDeps
from workers.order.handlers.tracking_ports import TrackingStore
from workers.order.model import LogEntry, Order, SubOrder
from workers.order.model.tracking_rules import TRACKING_SYNCED, outcome_logged

_log = structlog.get_logger("order.tracking_delivery")
CORRECTION_SYNCED = "shipment_correction_synced"


@dataclass(frozen=True)
class TrackingDeliveryDeps:
    delivery: DeliveryDeps
    tracking: TrackingStore


async def deliver_tracking(cmd: DeliverTracking, *, deps: TrackingDeliveryDeps) -> list[Outgoing]:
    order, sub = await _shipped(cmd, deps)
    assert sub.shipment is not None
    change = cmd.change
    if outcome_logged(order.events, TRACKING_SYNCED, sub.id, change):
        return []  # a repeat of a push that has ended
    body = {
        "order_id": order.platform_order_id,
        "carrier": sub.shipment.carrier,
        "tracking_no": sub.shipment.tracking_no,
        "state": cmd.state.value,
        "at": cmd.as_of.isoformat(),
    }
    return await _push(cmd, deps, order, "tracking", body, TRACKING_SYNCED, change)


async def deliver_shipment_correction(
    cmd: DeliverShipmentCorrection, *, deps: TrackingDeliveryDeps
) -> list[Outgoing]:
    order, sub = await _shipped(cmd, deps)
    if len(sub.corrections) < cmd.correction:
        raise DeadLetterError(f"no correction {cmd.correction} of {cmd.sub_order_id}")
    change = f"correction-{cmd.correction}"
    if outcome_logged(order.events, CORRECTION_SYNCED, sub.id, change):
        return []
    c = sub.corrections[cmd.correction - 1]
    body = {
        "order_id": order.platform_order_id,
        "carrier": c.carrier,
        "tracking_no": c.tracking_no,
        "lines": [line.model_dump() for line in sub.lines],
        "correction": c.number,
        "previous": {"carrier": c.previous_carrier, "tracking_no": c.previous_tracking_no},
    }
    return await _push(cmd, deps, order, "shipment", body, CORRECTION_SYNCED, change)


async def _shipped(cmd: OutboundDelivery, deps: TrackingDeliveryDeps) -> tuple[Order, SubOrder]:
    order = await deps.delivery.orders.get(cmd.order_key)
    sub = await deps.delivery.orders.get_sub_order(cmd.sub_order_id)
    if order is None or sub is None or sub.shipment is None:
        raise DeadLetterError(f"nothing shipped for {cmd.sub_order_id}")
    return order, sub


async def _push(
    cmd: OutboundDelivery,
    deps: TrackingDeliveryDeps,
    order: Order,
    kind: str,
    body: dict[str, Any],
    done: str,
    change: str,
) -> list[Outgoing]:
    shop = await deps.delivery.targets.shop(order.platform, order.shop_id)
    request = None if shop is None else shop_request(kind, body, shop.for_adapters())
    if request is None:
        _log.info("tracking.sync_skipped", why="shop has no callback_url", kind=kind)
        return []

    async def record(outcome: str, data: dict[str, Any]) -> None:
        entry = LogEntry.of(outcome, utcnow(), sub_order_id=cmd.sub_order_id, change=change, **data)
        await deps.tracking.log_change_once(cmd.order_key, entry)

    return await send(
        cmd,
        request,
        post=deps.delivery.post,
        give_up_after=deps.delivery.give_up_after,
        record=record,
        done=done,
    )
