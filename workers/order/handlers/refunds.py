"""A refund, from a platform, the merchant or the operator: claim the units on the order's refund
ledger (or refuse, with the reason kept), cancel the lines whose sub-order has not shipped, open
a return for those that shipped.

Stored first, then decided once (`requested` → `refused` | `returning` | `refunded`); what follows
is derived from the stored refund, so a repeat of the same refund re-derives the same messages.
"""

from __future__ import annotations

from collections import defaultdict

from juhe.outgoing import Outgoing
from schemas.after_sale import RequestRefund
from schemas.common import StockLine
from schemas.envelope import utcnow
from workers.order.handlers.refunds_cancel import carry_out_cancellations
from workers.order.handlers.refunds_credit import RefundDeps, change_ledger
from workers.order.model import REFUNDABLE, Cancellation, LogEntry, Order, sub_order_id
from workers.order.model.refunds import LineMode, Refund, RefundLine, RefundState
from workers.order.model.refunds_ledger import Claim
from workers.order.model.returns import Return, return_id


async def request_refund(cmd: RequestRefund, *, deps: RefundDeps) -> list[Outgoing]:
    refund = await deps.refunds.add_refund(Refund.requested_by(cmd, utcnow()))
    order = await deps.orders.get(refund.order_key)
    if refund.state is RefundState.REQUESTED:
        refund = await decide(refund, order, deps)
    await log_decision(refund, deps)
    if order is None or refund.state is RefundState.REFUSED:
        return []
    out = await carry_out_cancellations(refund, order, deps)
    await open_returns(refund, order, deps)
    return out


async def decide(refund: Refund, order: Order | None, deps: RefundDeps) -> Refund:
    """Claim the units, then cancel what has not shipped; the rest returns."""
    if order is None or order.status not in REFUNDABLE:
        status = "unknown" if order is None else order.status.value
        return await refuse(refund, f"order_not_refundable: the order is {status}", deps)
    claimed = await change_ledger(
        order, f"claim:{refund.key}", lambda ledger: ledger.claim(order, refund.key, refund.requested), deps
    )
    if isinstance(claimed, str):
        return await refuse(refund, claimed, deps)
    claim = claimed.claim_of(refund.key)
    assert claim is not None
    lines = await cancel_unshipped(refund, order, claim, deps)
    returning = any(line.mode is LineMode.RETURN for line in lines)
    state = RefundState.RETURNING if returning else RefundState.REFUNDED
    entry = LogEntry.of("accepted", utcnow(), lines=len(lines))
    moved = await deps.refunds.move_refund(
        refund.key, {RefundState.REQUESTED}, state, entry, {"lines": lines}
    )
    assert moved is not None
    return moved


async def refuse(refund: Refund, reason: str, deps: RefundDeps) -> Refund:
    """Refused, with the reason kept on the refund."""
    entry = LogEntry.of("refused", utcnow(), reason=reason)
    moved = await deps.refunds.move_refund(
        refund.key, {RefundState.REQUESTED}, RefundState.REFUSED, entry, {"refusal": reason}
    )
    assert moved is not None
    return moved


async def log_decision(refund: Refund, deps: RefundDeps) -> None:
    """The stored decision in the order's change log, once: derived from the refund, so a
    redelivery after a crash between the two writes still logs it."""
    decided = next((e for e in refund.history if e.type in ("refused", "accepted")), None)
    if decided is None:
        return
    if refund.state is RefundState.REFUSED:
        entry = LogEntry.of("refund_refused", decided.at, refund_key=refund.key, reason=refund.refusal)
    else:
        entry = LogEntry.of("refund_accepted", decided.at, refund_key=refund.key)
    await deps.refunds.log_once_by(refund.order_key, entry, "refund_key")


async def cancel_unshipped(refund: Refund, order: Order, claim: Claim, deps: RefundDeps) -> list[RefundLine]:
    """Per sub-order, take the claimed lines off it while it has not shipped (拦截); the lines of
    a sub-order that shipped first are returned instead."""
    by_sub: dict[str, list[RefundLine]] = defaultdict(list)
    for units in claim.lines:
        supplier = order.lines[units.line].supplier_id or ""
        sub_id = sub_order_id(order.key, supplier)
        by_sub[sub_id].append(RefundLine(**units.model_dump(), sub_order_id=sub_id))
    decided = []
    for sub_id, lines in by_sub.items():
        cancellation = Cancellation(
            refund_key=refund.key,
            reason=refund.reason,
            lines=[StockLine(sku=line.sku, qty=line.qty) for line in lines],
            at=utcnow(),
        )
        sub = await deps.refunds.cancel_lines(sub_id, cancellation)
        cancelled = sub is not None and sub.cancelled_by(refund.key) is not None
        mode = LineMode.CANCEL if cancelled else LineMode.RETURN
        decided += [line.model_copy(update={"mode": mode}) for line in lines]
    return decided


async def open_returns(refund: Refund, order: Order, deps: RefundDeps) -> None:
    """One return per shipped sub-order of the refund, opened once."""
    by_sub: dict[str, list[RefundLine]] = defaultdict(list)
    for line in refund.lines:
        if line.mode is LineMode.RETURN:
            by_sub[line.sub_order_id].append(line)
    if not by_sub:
        return
    subs = {s.id: s for s in await deps.refunds.sub_orders_of(order.key)}
    now = utcnow()
    returns = []
    for sub_id, lines in by_sub.items():
        sub = subs[sub_id]
        rid = return_id(refund.key, sub_id)
        returns.append(
            Return(
                id=rid,
                refund_key=refund.key,
                order_key=order.key,
                merchant_id=order.merchant_id,
                sub_order_id=sub_id,
                supplier_id=sub.supplier_id,
                account_id=sub.account_id,
                reason=refund.reason,
                lines=[line.model_dump(include={"line", "sku", "qty"}) for line in lines],
                history=[LogEntry.of("requested", now, reason=refund.reason)],
                created_at=now,
                list_key=f"{now.isoformat()}|{rid}",
            )
        )
    await deps.refunds.add_returns(returns)
    for ret in returns:
        entry = LogEntry.of("return_opened", now, return_id=ret.id, sub_order_id=ret.sub_order_id)
        await deps.refunds.log_once_by(order.key, entry, "return_id")
