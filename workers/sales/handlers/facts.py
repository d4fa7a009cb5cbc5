"""Order events become sales facts. Each handler stores the facts derived from the order as it
was routed and nothing else: the roll-ups follow from the facts (see `rollup`), so an event
handled twice, or a crash after the facts were stored, cannot count anything twice.

`OrderRouted` carries the sale (`schemas.events.Sale`): its facts need no read. The later events
read the order's own sold facts (one indexed read of sales' collection). Either falls back to
reading the order when it lacks what it needs: an event of an older version, or an order whose
sale is not counted yet (its routing still queued) or was counted before facts carried enough."""

from __future__ import annotations

from collections.abc import Sequence

from juhe.outgoing import DeadLetterError, Outgoing
from schemas.envelope import Event, utcnow
from schemas.events import OrderClosed, OrderRefunded, OrderRouted, SubOrderShipped
from workers.sales.handlers.ports import SalesRepository, SoldOrders
from workers.sales.model import (
    SaleFact,
    SoldOrder,
    closed_facts,
    refunded_facts,
    shipped_facts,
    sold_facts,
    sold_order,
    sold_order_of_facts,
    unknown_categories,
)


async def _order(orders: SoldOrders, order_key: str) -> SoldOrder:
    order = await orders.sold_order(order_key)
    if order is None:  # the order publishes its events after storing itself: this cannot heal
        raise DeadLetterError(f"order {order_key} is unknown")
    return order


async def _routed(event: OrderRouted, orders: SoldOrders) -> SoldOrder:
    """The order as its routing event carries it; categories are read only for lines that do not
    know theirs, the order only for an event without its sale."""
    if event.sale is None:
        return await _order(orders, event.order_key)
    missing = unknown_categories(event.sale)
    categories = await orders.categories(missing) if missing else {}
    return sold_order(event.order_key, event.merchant_id, event.sale, categories)


async def _sold(repo: SalesRepository, orders: SoldOrders, order_key: str) -> SoldOrder:
    """The order as its sold facts stored it, else as read from the order."""
    stored = sold_order_of_facts(await repo.sold_facts(order_key))
    return stored if stored is not None else await _order(orders, order_key)


async def _store(repo: SalesRepository, event: Event, facts: Sequence[SaleFact]) -> list[Outgoing]:
    """The facts, stamped with their event's time and their own (the delays are measured so)."""
    times = {"event_at": event.occurred_at, "stored_at": utcnow()}
    await repo.add_facts([fact.model_copy(update=times) for fact in facts])
    return []


async def order_routed(event: OrderRouted, *, repo: SalesRepository, orders: SoldOrders) -> list[Outgoing]:
    return await _store(repo, event, sold_facts(await _routed(event, orders)))


async def sub_order_shipped(
    event: SubOrderShipped, *, repo: SalesRepository, orders: SoldOrders
) -> list[Outgoing]:
    order = await _sold(repo, orders, event.order_key)
    return await _store(repo, event, shipped_facts(order, event.sub_order_id, event.supplier_id))


async def order_refunded(
    event: OrderRefunded, *, repo: SalesRepository, orders: SoldOrders
) -> list[Outgoing]:
    order = await _sold(repo, orders, event.order_key)
    return await _store(repo, event, refunded_facts(order, event.credit_id, event.kind, event.lines))


async def order_closed(event: OrderClosed, *, repo: SalesRepository, orders: SoldOrders) -> list[Outgoing]:
    """Only an order that was sold (routed) and then closed counts: one never routed sold nothing."""
    order = await _sold(repo, orders, event.order_key)
    return await _store(repo, event, closed_facts(order) if order.routed else [])
