"""The order saga up to payment: price and store, then reserve stock.

Each handler applies its step only from the statuses the step starts from, then derives the
follow-up from the *stored* order, so a redelivery after a crash republishes what was lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from juhe.outgoing import Outgoing
from schemas.commands import DebitWallet, PlaceOrder, ReleaseStock, ReserveStock
from schemas.common import StockLine
from schemas.envelope import utcnow
from schemas.events import OrderClosed, StockRejected, StockReserved
from schemas.reship import RouteReship
from workers.order.handlers.ports import AccountsReader, CatalogReader, OrderStore
from workers.order.model import (
    CLOSED_UNPAID,
    LogEntry,
    Order,
    OrderChange,
    OrderStatus,
    OrderStep,
    price_lines,
)
from workers.order.model.reships import routes_unpaid


@dataclass(frozen=True)
class SagaDeps:
    orders: OrderStore
    accounts: AccountsReader
    catalog: CatalogReader
    funds_hold_seconds: int


def stock_lines(order: Order) -> list[StockLine]:
    return [StockLine(sku=line.sku, qty=line.qty) for line in order.lines]


def debit(order: Order) -> DebitWallet:
    key = order.key
    return DebitWallet(correlation_id=key, order_key=key, merchant_id=order.merchant_id, amount=order.charged)


def follow_ups(order: Order) -> list[Outgoing]:
    """The command the order's current status is waiting on, if any."""
    if order.status == OrderStatus.RECEIVED:
        return [ReserveStock(correlation_id=order.key, order_key=order.key, lines=stock_lines(order))]
    if order.status == OrderStatus.RESERVED and routes_unpaid(order):  # a reship charged nothing
        return [RouteReship(correlation_id=order.key, order_key=order.key)]
    if order.status == OrderStatus.RESERVED:
        return [debit(order)]
    return []


def release(order: Order, reason: str) -> ReleaseStock:
    key = order.key
    return ReleaseStock(correlation_id=key, order_key=key, lines=stock_lines(order), reason=reason)


def closed(order: Order) -> OrderClosed:
    """The order ended with nothing shipped: whatever else it held goes back."""
    key = order.key
    return OrderClosed(
        correlation_id=key,
        order_key=key,
        merchant_id=order.merchant_id,
        status=order.status,
        reason=order.reason,
    )


async def create_order(cmd: PlaceOrder, deps: SagaDeps, payload_ids: list[str]) -> Order:
    """Price at the merchant's tier now and store; a concurrent duplicate gets the stored one."""
    tier = await deps.accounts.merchant_tier(cmd.merchant_id) or ""
    offers = await deps.catalog.offers(sorted({line.sku for line in cmd.lines}), at=cmd.received_at)
    pricing = price_lines(cmd.lines, offers, tier)
    return await deps.orders.insert(Order.received(cmd, pricing, tier, payload_ids, utcnow()))


async def on_stock_reserved(evt: StockReserved, *, deps: SagaDeps) -> list[Outgoing]:
    entry = LogEntry.of("reserved", utcnow())
    order = await deps.orders.transition(evt.order_key, OrderStep.RESERVE, [entry])
    if order is None:
        return []
    if order.status in CLOSED_UNPAID:  # reserved after the order was closed: give it back
        return [release(order, "order_closed")]
    return follow_ups(order)


async def on_stock_rejected(evt: StockRejected, *, deps: SagaDeps) -> list[Outgoing]:
    entry = LogEntry.of("rejected", utcnow(), reason=evt.reason, sku=evt.sku)
    change = OrderChange(reason=evt.reason)
    order = await deps.orders.transition(evt.order_key, OrderStep.REFUSE_STOCK, [entry], change)
    if order is None or order.status != OrderStatus.REJECTED or order.reason != evt.reason:
        return []
    return [closed(order)]
