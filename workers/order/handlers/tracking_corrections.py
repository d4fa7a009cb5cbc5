"""The supplier's corrections of a shipment's carrier or number: at most `MAX_CORRECTIONS`,
each kept on the sub-order and in the order's log, and synced to the shop."""

from __future__ import annotations

import structlog

from juhe.outgoing import Outgoing
from schemas.envelope import utcnow
from schemas.tracking import CorrectShipment, DeliverShipmentCorrection
from workers.order.handlers.tracking import TrackingDeps
from workers.order.model import LogEntry, SubOrder
from workers.order.model.tracking import MAX_CORRECTIONS, ShipmentCorrection
from workers.order.model.tracking_rules import correction_refusal

_log = structlog.get_logger("order.tracking")


async def correct_shipment(cmd: CorrectShipment, *, deps: TrackingDeps) -> list[Outgoing]:
    """Apply a correction once (at most `MAX_CORRECTIONS`), log it and sync it to the shop. A
    correction already made (a redelivery; also a later one back to the same values) re-derives
    its sync; one that lost a race to another is tried again on the shipment as it now is."""
    for _ in range(MAX_CORRECTIONS + 1):  # every lost race means one more correction stored
        sub = await deps.orders.get_sub_order(cmd.sub_order_id)
        if sub is None or sub.supplier_id != cmd.supplier_id or sub.shipment is None:
            _log.warning("shipment.correction_refused", why="no shipment of this supplier")
            return []
        if _made(sub, cmd) or (sub.shipment.carrier, sub.shipment.tracking_no) == (
            cmd.carrier,
            cmd.tracking_no,
        ):
            return await _log_correction(sub, cmd, deps)
        refusal = correction_refusal(
            sub.status, sub.shipment, len(sub.corrections), cmd.carrier, cmd.tracking_no
        )
        if refusal is not None:
            return await _refuse(sub, cmd, refusal, deps)
        corrected = await deps.tracking.correct_shipment(sub.id, cmd.supplier_id, _next_correction(sub, cmd))
        if corrected is not None:
            return await _log_correction(corrected, cmd, deps)
    return []


def _made(sub: SubOrder, cmd: CorrectShipment) -> bool:
    return any((c.carrier, c.tracking_no) == (cmd.carrier, cmd.tracking_no) for c in sub.corrections)


def _next_correction(sub: SubOrder, cmd: CorrectShipment) -> ShipmentCorrection:
    assert sub.shipment is not None
    return ShipmentCorrection(
        number=len(sub.corrections) + 1,
        carrier=cmd.carrier,
        tracking_no=cmd.tracking_no,
        previous_carrier=sub.shipment.carrier,
        previous_tracking_no=sub.shipment.tracking_no,
        at=utcnow(),
        reason=cmd.reason,
    )


async def _refuse(sub: SubOrder, cmd: CorrectShipment, why: str, deps: TrackingDeps) -> list[Outgoing]:
    """Past the edge's early check (e.g. concurrent requests): refused here, and logged once."""
    _log.warning("shipment.correction_refused", why=why)
    entry = LogEntry.of(
        "shipment_correction_refused",
        utcnow(),
        sub_order_id=sub.id,
        change=f"refused:{cmd.carrier}/{cmd.tracking_no}",
        carrier=cmd.carrier,
        tracking_no=cmd.tracking_no,
        reason=why,
    )
    await deps.tracking.log_change_once(sub.order_key, entry)
    return []


async def _log_correction(sub: SubOrder, cmd: CorrectShipment, deps: TrackingDeps) -> list[Outgoing]:
    made = [c for c in sub.corrections if (c.carrier, c.tracking_no) == (cmd.carrier, cmd.tracking_no)]
    if not made:  # the shipment as first shipped: nothing was corrected
        return []
    c = made[-1]
    entry = LogEntry.of(
        "shipment_corrected",
        c.at,
        sub_order_id=sub.id,
        change=f"correction-{c.number}",
        correction=c.number,
        carrier=c.carrier,
        tracking_no=c.tracking_no,
        previous_carrier=c.previous_carrier,
        previous_tracking_no=c.previous_tracking_no,
        reason=c.reason,
    )
    await deps.tracking.log_change_once(sub.order_key, entry)
    key = sub.order_key
    return [
        DeliverShipmentCorrection(correlation_id=key, order_key=key, sub_order_id=sub.id, correction=c.number)
    ]
