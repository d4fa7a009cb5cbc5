"""Order events become sales facts. Each handler stores the facts derived from the stored order
and nothing else: the roll-ups follow from the facts (see `rollup`), so an event handled twice,
or a crash after the facts were stored, cannot count anything twice."""

from __future__ import annotations

from juhe.outgoing import DeadLetterError, Outgoing
from schemas.events import OrderClosed, OrderRefunded, OrderRouted, SubOrderShipped
from workers.sales.handlers.ports import SalesRepository, SoldOrders
from workers.sales.model import SoldOrder, closed_facts, refunded_facts, shipped_facts, sold_facts


async def _order(orders: SoldOrders, order_key: str) -> SoldOrder:
    order = await orders.sold_order(order_key)
    if order is None:  # the order publishes its events after storing itself: this cannot heal
        raise DeadLetterError(f"order {order_key} is unknown")
    return order


async def order_routed(event: OrderRouted, *, repo: SalesRepository, orders: SoldOrders) -> list[Outgoing]:
    await repo.add_facts(sold_facts(await _order(orders, event.order_key)))
    return []


async def sub_order_shipped(
    event: SubOrderShipped, *, repo: SalesRepository, orders: SoldOrders
) -> list[Outgoing]:
    order = await _order(orders, event.order_key)
    await repo.add_facts(shipped_facts(order, event.sub_order_id, event.supplier_id))
    return []


async def order_refunded(
    event: OrderRefunded, *, repo: SalesRepository, orders: SoldOrders
) -> list[Outgoing]:
    order = await _order(orders, event.order_key)
    await repo.add_facts(refunded_facts(order, event.credit_id, event.kind, event.lines))
    return []


async def order_closed(event: OrderClosed, *, repo: SalesRepository, orders: SoldOrders) -> list[Outgoing]:
    """Only an order that was sold (routed) and then closed counts: one never routed sold nothing."""
    order = await _order(orders, event.order_key)
    if order.routed:
        await repo.add_facts(closed_facts(order))
    return []
