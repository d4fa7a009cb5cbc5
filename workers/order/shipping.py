"""Supplier side of the saga: accept, ship (commit stock, sync the platform), finish."""

from __future__ import annotations

import structlog

from juhe.outgoing import Outgoing
from schemas.commands import AcceptSubOrder, CommitStock, DeliverShipment, ShipSubOrder
from schemas.common import StockLine
from schemas.envelope import utcnow
from schemas.events import OrderShipped
from workers.order.model import log_entry
from workers.order.saga import SagaDeps

_log = structlog.get_logger("order.shipping")
SHIPPABLE = ["routed", "accepted"]


async def accept_sub_order(cmd: AcceptSubOrder, *, deps: SagaDeps) -> list[Outgoing]:
    now = utcnow()
    sub = await deps.orders.move_sub_order(
        cmd.sub_order_id, cmd.supplier_id, ["routed"], "accepted", accepted_at=now
    )
    if sub is None or sub["supplier_id"] != cmd.supplier_id:
        _log.warning("sub_order.accept_refused", why="unknown sub-order")
        return []
    if sub["status"] == "accepted":
        entry = log_entry("sub_order_accepted", now, sub_order_id=cmd.sub_order_id)
        await deps.orders.log_once(sub["order_key"], entry, cmd.sub_order_id)
    return []


async def ship_sub_order(cmd: ShipSubOrder, *, deps: SagaDeps) -> list[Outgoing]:
    """Ship once; a repeat re-derives the same follow-ups from the stored sub-order."""
    now = utcnow()
    shipment = {"carrier": cmd.carrier, "tracking_no": cmd.tracking_no, "shipped_at": now}
    sub = await deps.orders.move_sub_order(
        cmd.sub_order_id, cmd.supplier_id, SHIPPABLE, "shipped", shipment=shipment
    )
    if sub is None or sub["supplier_id"] != cmd.supplier_id or sub["status"] != "shipped":
        _log.warning("sub_order.ship_refused", status=None if sub is None else sub["status"])
        return []
    key = sub["order_key"]
    await deps.orders.mark_sub_order_shipped(key, sub["_id"], sub["shipment"], now)
    lines = [StockLine(sku=ln["sku"], qty=ln["qty"]) for ln in sub["lines"]]
    out: list[Outgoing] = [
        CommitStock(correlation_id=key, order_key=key, sub_order_id=sub["_id"], lines=lines),
        DeliverShipment(correlation_id=key, order_key=key, sub_order_id=sub["_id"]),
    ]
    if await deps.orders.finish_shipping(key, now) is not None:
        out.append(OrderShipped(correlation_id=key, order_key=key))
    return out
