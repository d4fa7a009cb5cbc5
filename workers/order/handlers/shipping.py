"""The supplier's side of the saga: accept, ship (commit stock, sync the platform), finish."""

from __future__ import annotations

import structlog

from juhe.outgoing import Later, Outgoing
from schemas.commands import AcceptSubOrder, CommitStock, DeliverShipment, ShipSubOrder
from schemas.envelope import utcnow
from schemas.events import OrderShipped, SubOrderShipped
from schemas.routing import BACKOFF_SECONDS
from workers.order.handlers.ports import OrderStore
from workers.order.handlers.saga import SagaDeps
from workers.order.model import SUB_ORDER_MOVES, LogEntry, OrderStatus, Shipment, SubOrderAction

_log = structlog.get_logger("order.shipping")
#: A delay the topology declares: the first step of the outbound backoff.
ROUTING_RECHECK_SECONDS = BACKOFF_SECONDS[0]


async def accept_sub_order(cmd: AcceptSubOrder, *, deps: SagaDeps) -> list[Outgoing]:
    """Accept once and log it once; another supplier's or an already shipped one is refused."""
    now = utcnow()
    sub = await deps.orders.accept_sub_order(cmd.sub_order_id, cmd.supplier_id, now)
    accepted = SUB_ORDER_MOVES[SubOrderAction.ACCEPT][1]
    if sub is None or sub.supplier_id != cmd.supplier_id or sub.status != accepted:
        _log.warning("sub_order.accept_refused", status=None if sub is None else sub.status)
        return []
    entry = LogEntry.of("sub_order_accepted", now, sub_order_id=cmd.sub_order_id)
    await deps.orders.log_once(sub.order_key, entry, cmd.sub_order_id)
    return []


async def ship_sub_order(cmd: ShipSubOrder, *, deps: SagaDeps) -> list[Outgoing]:
    """Ship once; a repeat re-derives the same follow-ups from the stored sub-order."""
    now = utcnow()
    shipment = Shipment(carrier=cmd.carrier, tracking_no=cmd.tracking_no, shipped_at=now)
    sub = await deps.orders.ship_sub_order(cmd.sub_order_id, cmd.supplier_id, shipment)
    shipped = SUB_ORDER_MOVES[SubOrderAction.SHIP][1]
    if sub is None or sub.supplier_id != cmd.supplier_id or sub.status != shipped or sub.shipment is None:
        _log.warning("sub_order.ship_refused", status=None if sub is None else sub.status)
        return []
    key = sub.order_key
    entry = LogEntry.of("sub_order_shipped", now, sub_order_id=sub.id, **sub.shipment.model_dump())
    if not await deps.orders.mark_sub_order_shipped(key, sub.id, entry) and await _routing(key, deps):
        # Shipped in the instant between its sub-order being stored and its order being marked
        # routed: look again shortly, when the order awaits it (a repeat ships nothing twice).
        return [Later(cmd, ROUTING_RECHECK_SECONDS)]
    out: list[Outgoing] = [
        CommitStock(correlation_id=key, order_key=key, sub_order_id=sub.id, lines=sub.lines),
        DeliverShipment(correlation_id=key, order_key=key, sub_order_id=sub.id),
        SubOrderShipped(
            correlation_id=key,
            order_key=key,
            sub_order_id=sub.id,
            supplier_id=sub.supplier_id,
            merchant_id=sub.merchant_id,
        ),
    ]
    return [*out, *await order_shipped(key, deps.orders)]


async def order_shipped(order_key: str, orders: OrderStore) -> list[Outgoing]:
    """OrderShipped once nothing more is awaited: said by the call that moves the order, and again
    by a repeat that finds it shipped (a crash may have lost the first publish; the event's id
    is derived from the order, so it is the same event)."""
    order = await orders.finish_shipping(order_key, LogEntry.of("shipped", utcnow()))
    if order is None:
        order = await orders.get(order_key)
    if order is None or order.status is not OrderStatus.SHIPPED:
        return []
    return [OrderShipped(correlation_id=order_key, order_key=order_key)]


async def _routing(order_key: str, deps: SagaDeps) -> bool:
    """The order is paid for but not yet marked routed: its routing is in flight (paid straight
    from received when its reservation carried the debit on)."""
    order = await deps.orders.get(order_key)
    paying = (OrderStatus.RECEIVED, OrderStatus.RESERVED, OrderStatus.AWAITING_FUNDS)
    return order is not None and order.status in paying
