"""Credits of a refund: changed on the order's refund ledger by compare-and-set, each once, then
the wallet credit, the `OrderRefunded` event and the order's status derived from the ledger.

A repeat finds its change applied and re-derives the same messages (same ids) from the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from juhe.outgoing import Outgoing
from schemas.commands import CreditWallet
from schemas.envelope import utcnow
from schemas.events import OrderClosed, OrderRefunded, RefundedLine
from workers.order.handlers.ports import AccountsReader, OrderStore
from workers.order.handlers.refunds_ports import RefundStore
from workers.order.model import LogEntry, Order, OrderChange, OrderStatus, OrderStep
from workers.order.model.refunds import Units
from workers.order.model.refunds_ledger import Credit, CreditKind, RefundLedger

#: Ledger changes lost to concurrent ones before giving up (the message is then redelivered).
MAX_ATTEMPTS = 100
CANCELLED_BY_REFUND = "cancelled_by_refund"


@dataclass(frozen=True)
class RefundDeps:
    orders: OrderStore
    refunds: RefundStore
    accounts: AccountsReader


async def change_ledger(
    order: Order, op: str, change: Callable[[RefundLedger], RefundLedger | str], deps: RefundDeps
) -> RefundLedger | str:
    """Apply `change` once (op ids are in the ledger), retrying when another change won the race;
    a refusal (a string) is returned as it is and stores nothing."""
    for _ in range(MAX_ATTEMPTS):
        ledger = await deps.refunds.ledger(order)
        if op in ledger.ops:
            return ledger
        changed = change(ledger)
        if isinstance(changed, str) or await deps.refunds.save_ledger(changed, ledger.version):
            return changed
    raise RuntimeError(f"refund ledger {order.key}: too much contention, will be redelivered")


async def credit(
    order: Order, credit_id: str, refund_key: str, kind: CreditKind, units: list[Units], deps: RefundDeps
) -> list[Outgoing]:
    """Credit these claimed units once; the wallet credit and the event carry the credit's id."""
    if not units:
        return []
    ledger = await change_ledger(
        order,
        f"credit:{credit_id}",
        lambda ledger: ledger.credit(order, credit_id, refund_key, kind, units),
        deps,
    )
    assert not isinstance(ledger, str)  # a credit refuses nothing
    made = ledger.credit_of(credit_id)
    if made is None or not made.lines:
        return []
    entry = LogEntry.of(
        "refund_credited",
        utcnow(),
        credit_id=credit_id,
        refund_key=refund_key,
        credit_kind=kind,
        amount=made.amount,
    )
    await deps.refunds.log_once_by(order.key, entry, "credit_id")
    return [*credit_messages(order, made), *await settle_status(order, ledger, deps)]


async def release(order: Order, op_id: str, units: list[Units], deps: RefundDeps) -> None:
    """Claimed units given back once: refundable again."""
    if units:
        await change_ledger(order, f"release:{op_id}", lambda ledger: ledger.release(op_id, units), deps)


def credit_messages(order: Order, made: Credit) -> list[Outgoing]:
    key = order.key
    wallet = CreditWallet(
        correlation_id=key,
        merchant_id=order.merchant_id,
        amount=made.amount,
        kind="refund_credit",
        reference=made.id,
    )
    refunded = OrderRefunded(
        correlation_id=key,
        order_key=key,
        merchant_id=order.merchant_id,
        refund_id=made.refund_key,
        credit_id=made.id,
        kind=made.kind,
        lines=[RefundedLine.model_validate(line.model_dump()) for line in made.lines],
        amount=made.amount,
    )
    return [wallet, refunded]


async def settle_status(order: Order, ledger: RefundLedger, deps: RefundDeps) -> list[Outgoing]:
    """The order's status from what its ledger credited: all of it before shipment is a
    cancellation (the order closes, what else it held goes back), all of it a refund, part of it
    a partial refund."""
    now = utcnow()
    if not ledger.fully_credited(order):
        entry = LogEntry.of("partially_refunded", now, credited=ledger.credited)
        await deps.orders.transition(order.key, OrderStep.REFUND_PART, [entry])
        return []
    if not ledger.only_cancelled():
        entry = LogEntry.of("refunded", now, credited=ledger.credited)
        await deps.orders.transition(order.key, OrderStep.REFUND_ALL, [entry])
        return []
    entry = LogEntry.of("cancelled", now, reason=CANCELLED_BY_REFUND, credited=ledger.credited)
    change = OrderChange(reason=CANCELLED_BY_REFUND)
    moved = await deps.orders.transition(order.key, OrderStep.CANCEL_ALL, [entry], change)
    if moved is None or moved.status != OrderStatus.CANCELLED or moved.reason != CANCELLED_BY_REFUND:
        return []
    closed = OrderClosed(
        correlation_id=order.key,
        order_key=order.key,
        merchant_id=order.merchant_id,
        status=moved.status,
        reason=moved.reason,
    )
    return [closed]
