"""The order saga up to payment: price and store, then reserve stock.

Each handler applies its step only from the statuses the step starts from, then derives the
follow-up from the *stored* order, so a redelivery after a crash republishes what was lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from juhe.outgoing import Outgoing
from schemas.commands import DebitWallet, PlaceOrder, ReleaseStock, ReserveStock
from schemas.common import StockLine
from schemas.coupon import ApplyCoupon, CouponLine
from schemas.envelope import utcnow
from schemas.events import OrderClosed, StockRejected, StockReserved
from schemas.reship import RouteReship
from workers.order.handlers.ports import AccountsReader, CatalogReader, CouponReader, OrderStore
from workers.order.model import (
    CLOSED_UNPAID,
    COUPON_ASKED,
    LogEntry,
    Order,
    OrderChange,
    OrderStatus,
    OrderStep,
    price_lines,
)
from workers.order.model.reships import routes_unpaid


class NoCoupons:
    """For set-ups without the coupon area: nobody holds a coupon."""

    async def has_usable(self, merchant_id: str, at: datetime) -> bool:
        return False


@dataclass(frozen=True)
class SagaDeps:
    orders: OrderStore
    accounts: AccountsReader
    catalog: CatalogReader
    funds_hold_seconds: int
    coupons: CouponReader = field(default_factory=NoCoupons)


def stock_lines(order: Order) -> list[StockLine]:
    return [StockLine(sku=line.sku, qty=line.qty) for line in order.lines]


def debit(order: Order) -> DebitWallet:
    key = order.key
    return DebitWallet(correlation_id=key, order_key=key, merchant_id=order.merchant_id, amount=order.charged)


def follow_ups(order: Order) -> list[Outgoing]:
    """The command the order's current status is waiting on, if any."""
    if order.status == OrderStatus.RECEIVED:
        then = None if order.coupon_step == COUPON_ASKED or routes_unpaid(order) else debit(order)
        key = order.key
        return [ReserveStock(correlation_id=key, order_key=key, lines=stock_lines(order), then_debit=then)]
    if order.status == OrderStatus.RESERVED and routes_unpaid(order):  # a reship charged nothing
        return [RouteReship(correlation_id=order.key, order_key=order.key)]
    if order.status == OrderStatus.RESERVED:
        return [apply_coupon(order) if order.coupon_step == COUPON_ASKED else debit(order)]
    return []


def apply_coupon(order: Order) -> ApplyCoupon:
    """Ask the coupon worker to lock a coupon for the order; its answer is `CouponApplied`."""
    lines = [CouponLine(sku=line.sku, cost=line.cost, supplier_id=line.supplier_id) for line in order.lines]
    key = order.key
    return ApplyCoupon(
        correlation_id=key,
        order_key=key,
        merchant_id=order.merchant_id,
        tier=order.tier,
        lines=lines,
        coupon_id=order.coupon_id,
    )


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
    order = Order.received(cmd, pricing, tier, payload_ids, utcnow())
    if order.status == OrderStatus.RECEIVED and await asks_coupon(cmd, deps):
        # Decided once, with the order: a redelivery re-derives the same next step.
        order = order.model_copy(update={"coupon_id": cmd.coupon_id, "coupon_step": COUPON_ASKED})
    return await deps.orders.insert(order)


async def asks_coupon(cmd: PlaceOrder, deps: SagaDeps) -> bool:
    """A named coupon is always asked about; otherwise only if the merchant holds a usable one
    (one indexed read), so an order of a merchant without coupons costs nothing more."""
    return cmd.coupon_id is not None or await deps.coupons.has_usable(cmd.merchant_id, utcnow())


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
