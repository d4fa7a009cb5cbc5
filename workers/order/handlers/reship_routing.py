"""Routing a reship charged nothing: the saga's route step with no debit before it.

Its sub-orders go to the accounts fixed when it opened (`dispatch.choose_accounts`); a charged
reship is debited and routed by the ordinary funds path instead.
"""

from __future__ import annotations

from juhe.outgoing import Outgoing
from schemas.commands import PushSubOrder
from schemas.envelope import utcnow
from schemas.events import OrderRouted
from schemas.reship import RouteReship
from workers.order.handlers.dispatch import choose_accounts, pushed_by_webhook
from workers.order.handlers.saga import SagaDeps
from workers.order.model import (
    CLOSED_UNPAID,
    LogEntry,
    OrderChange,
    OrderStatus,
    OrderStep,
    may_apply,
    split_by_supplier,
)
from workers.order.model.reships import routes_unpaid


async def route_reship(cmd: RouteReship, *, deps: SagaDeps) -> list[Outgoing]:
    """Store the sub-orders, mark the reship routed, publish the pushes and `OrderRouted`
    (charged 0) from what is stored; a repeat re-derives them."""
    order = await deps.orders.get(cmd.order_key)
    if order is None or not routes_unpaid(order) or not may_apply(OrderStep.ROUTE, order.status):
        return []
    now = utcnow()
    subs = await deps.orders.add_sub_orders(
        split_by_supplier(order, await choose_accounts(order, deps.accounts), now)
    )
    sub_ids = [s.id for s in subs]
    entries = [
        LogEntry.of("not_charged", now, reason="reship"),
        LogEntry.of("routed", now, sub_orders=sub_ids),
    ]
    change = OrderChange(awaiting_shipment=sub_ids, routed_at=now)
    routed = await deps.orders.transition(order.key, OrderStep.ROUTE, entries, change)
    if routed is not None and routed.status in CLOSED_UNPAID:  # closed meanwhile: nothing to undo but these
        await deps.orders.cancel_sub_orders(sub_ids)
    if routed is None or routed.status != OrderStatus.ROUTED:
        return []
    key = order.key
    pushes = [
        PushSubOrder(correlation_id=key, order_key=key, sub_order_id=sub_id)
        for sub_id in await pushed_by_webhook(subs, deps.accounts)
    ]
    done = OrderRouted(
        correlation_id=key, order_key=key, merchant_id=order.merchant_id, sub_order_ids=sub_ids, charged=0
    )
    return [*pushes, done]
