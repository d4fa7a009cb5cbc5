"""Routing (分流) a paid order: split by supplier, each to the account its rules choose.

Webhook accounts (or webhook suppliers, when no rule routes) get a signed push; the others
pull their sub-orders through the supplier API.
"""

from __future__ import annotations

from juhe.outgoing import Outgoing
from schemas.commands import CreditWallet, PushSubOrder
from schemas.envelope import utcnow
from schemas.events import OrderRouted, WalletDebited
from workers.order.handlers.ports import AccountsReader
from workers.order.handlers.saga import SagaDeps
from workers.order.model import (
    CLOSED_UNPAID,
    LogEntry,
    Order,
    OrderChange,
    OrderStatus,
    OrderStep,
    SubOrder,
    choose_account,
    sale_of,
    split_by_supplier,
    sub_order_id,
)


async def route(order: Order, evt: WalletDebited, deps: SagaDeps) -> list[Outgoing]:
    """Store the sub-orders, then mark the order routed, awaiting each one's shipment; publish
    the pushes and `OrderRouted` from what is stored.

    The account is chosen once: a redelivery reads back the stored sub-orders, so a rule
    changed in between does not move a sub-order already routed.
    """
    now = utcnow()
    planned = split_by_supplier(order, await choose_accounts(order, deps.accounts), now)
    subs = await deps.orders.add_sub_orders(planned)
    sub_ids = [s.id for s in subs]
    # Paid straight from received: the reservation carried the debit on (`then_debit`).
    reserved = [LogEntry.of("reserved", now)] if order.status == OrderStatus.RECEIVED else []
    entries = [
        *reserved,
        LogEntry.of("paid", now, amount=evt.amount, balance_after=evt.balance_after),
        LogEntry.of("routed", now, sub_orders=sub_ids),
    ]
    change = OrderChange(awaiting_shipment=sub_ids, routed_at=now)
    routed = await deps.orders.transition(order.key, OrderStep.ROUTE, entries, change)
    if (
        routed is not None and routed.status in CLOSED_UNPAID and routed.routed_at is None
    ):  # expired meanwhile
        return await undo_debit(routed, evt, deps)
    if routed is None or routed.status != OrderStatus.ROUTED:
        return []
    key = order.key
    pushes = [
        PushSubOrder(correlation_id=key, order_key=key, sub_order_id=sub_id)
        for sub_id in await pushed_by_webhook(subs, deps.accounts)
    ]
    done = OrderRouted(
        correlation_id=key,
        order_key=key,
        merchant_id=order.merchant_id,
        sub_order_ids=sub_ids,
        charged=order.charged,
        coupon_id=order.coupon_id,
        sale=sale_of(routed),
    )
    return [*pushes, done]


async def undo_debit(order: Order, evt: WalletDebited, deps: SagaDeps) -> list[Outgoing]:
    """A debit for an order closed unpaid goes back, and the sub-orders a routing attempt may
    have stored before the order closed are cancelled (their ids are the order's, per supplier)."""
    await deps.orders.cancel_sub_orders([sub_order_id(order.key, s) for s in order.supplier_ids])
    credit = CreditWallet(
        correlation_id=evt.order_key,
        merchant_id=evt.merchant_id,
        amount=evt.amount,
        kind="refund_credit",
        reference=evt.order_key,
    )
    return [credit]


async def choose_accounts(order: Order, accounts: AccountsReader) -> dict[str, str | None]:
    """Per supplier of the order, the account its routing rules send this merchant to."""
    if order.reship is not None:  # fixed when the reship opened: the original's, or the operator's pick
        return dict(order.reship.accounts)
    suppliers = order.supplier_ids
    rules = await accounts.routing_rules(suppliers)
    if not rules:
        return {}
    tier = order.tier or await accounts.merchant_tier(order.merchant_id)
    return {s: choose_account(rules.get(s, []), order.merchant_id, tier) for s in suppliers}


async def pushed_by_webhook(subs: list[SubOrder], accounts: AccountsReader) -> list[str]:
    """Sub-orders whose account, or whose supplier when unrouted, delivers by webhook."""
    routed = [s.account_id for s in subs if s.account_id]
    unrouted = [s.supplier_id for s in subs if not s.account_id]
    by_account = await accounts.webhook_accounts(routed) if routed else set()
    by_supplier = await accounts.webhook_suppliers(unrouted) if unrouted else set()
    return [
        s.id for s in subs if (s.account_id in by_account if s.account_id else s.supplier_id in by_supplier)
    ]
