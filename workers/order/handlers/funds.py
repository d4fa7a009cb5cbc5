"""Payment: debit the merchant's wallet, wait for funds (held stock, limited time), resume.

A merchant's waiting orders resume one at a time, oldest first: each top-up tries the oldest,
and its outcome (debited, or insufficient again) decides whether the next one is tried.
"""

from __future__ import annotations

from juhe.outgoing import Later, Outgoing
from schemas.commands import ExpireFundsHold
from schemas.envelope import utcnow
from schemas.events import FundsInsufficient, WalletCredited, WalletDebited
from workers.order.handlers.dispatch import route, undo_debit
from workers.order.handlers.saga import SagaDeps, closed, debit, release
from workers.order.model import CLOSED_UNPAID, LogEntry, OrderChange, OrderStatus, OrderStep, may_apply

INSUFFICIENT_FUNDS = "insufficient_funds"


async def on_funds_insufficient(evt: FundsInsufficient, *, deps: SagaDeps) -> list[Outgoing]:
    now = utcnow()
    # A reservation that carried the debit on: the refusal is the first the order hears of it.
    await deps.orders.transition(evt.order_key, OrderStep.RESERVE, [LogEntry.of("reserved", now)])
    entry = LogEntry.of("awaiting_funds", now, amount=evt.amount, balance=evt.balance)
    change = OrderChange(awaiting_since=now)
    order = await deps.orders.transition(evt.order_key, OrderStep.AWAIT_FUNDS, [entry], change)
    if order is None or order.status != OrderStatus.AWAITING_FUNDS:
        return []
    expire = ExpireFundsHold(correlation_id=evt.order_key, order_key=evt.order_key)
    return [Later(expire, deps.funds_hold_seconds)]


async def on_wallet_debited(evt: WalletDebited, *, deps: SagaDeps) -> list[Outgoing]:
    order = await deps.orders.get(evt.order_key)
    if order is None:
        return []
    # Expired while the resumed debit was in flight (an order cancelled by a refund after it was
    # routed was credited by the refund, line by line: not again here).
    if order.status in CLOSED_UNPAID and order.routed_at is None:
        return await undo_debit(order, evt, deps)
    out: list[Outgoing] = []
    # Also when already routed: a crash after the routing write lost its publishes.
    if may_apply(OrderStep.ROUTE, order.status):
        out += await route(order, evt, deps)
    if order.waited_for_funds:
        out += await resume_oldest_waiting(order.merchant_id, deps)
    return out


async def resume_oldest_waiting(merchant_id: str, deps: SagaDeps) -> list[Outgoing]:
    """Try the merchant's oldest waiting order; its outcome decides whether to try the next."""
    waiting = await deps.orders.oldest_awaiting_funds(merchant_id)
    return [] if waiting is None else [debit(waiting)]


async def on_wallet_credited(evt: WalletCredited, *, deps: SagaDeps) -> list[Outgoing]:
    return await resume_oldest_waiting(evt.merchant_id, deps)


async def expire_funds_hold(cmd: ExpireFundsHold, *, deps: SagaDeps) -> list[Outgoing]:
    entry = LogEntry.of("rejected", utcnow(), reason=INSUFFICIENT_FUNDS)
    change = OrderChange(reason=INSUFFICIENT_FUNDS)
    order = await deps.orders.transition(cmd.order_key, OrderStep.EXPIRE_FUNDS_HOLD, [entry], change)
    if order is None or order.reason != INSUFFICIENT_FUNDS:
        return []
    return [release(order, INSUFFICIENT_FUNDS), closed(order)]
