"""Lines cancelled before shipment: their stock is released, the order stops awaiting a sub-order
cancelled in full, a webhook supplier (ERP) is told by a signed push, and the wallet is credited
the lines' charge — no human step. Every effect is derived from the stored refund and sub-orders.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from juhe.outbound import send, signed_json
from juhe.outgoing import DeadLetterError, Outgoing
from schemas.after_sale import PushSubOrderCancellation, ReleaseStockUnits
from schemas.common import StockLine
from schemas.envelope import utcnow
from workers.order.handlers.deliveries import DeliveryDeps
from workers.order.handlers.dispatch import pushed_by_webhook
from workers.order.handlers.refunds_credit import RefundDeps, credit
from workers.order.handlers.refunds_ports import RefundStore
from workers.order.handlers.shipping import order_shipped
from workers.order.model import LogEntry, Order, SubOrder, SubOrderStatus
from workers.order.model.refunds import LineMode, Refund, RefundLine, Units


async def carry_out_cancellations(refund: Refund, order: Order, deps: RefundDeps) -> list[Outgoing]:
    lines = [line for line in refund.lines if line.mode is LineMode.CANCEL]
    if not lines:
        return []
    key = order.key
    touched = {line.sub_order_id for line in lines}
    subs = await deps.refunds.sub_orders_of(key)
    for sub in subs:
        if sub.id in touched:
            await _note_cancelled(refund, sub, deps)
    out: list[Outgoing] = [
        ReleaseStockUnits(correlation_id=key, order_key=key, release_id=refund.key, lines=_by_sku(lines))
    ]
    # The rest had shipped already: with this sub-order gone, nothing more is awaited.
    if any(sub.status is SubOrderStatus.SHIPPED for sub in subs):
        out += await order_shipped(key, deps.orders)
    cancelled_subs = [sub for sub in subs if sub.id in touched]
    for sub_id in await pushed_by_webhook(cancelled_subs, deps.accounts):
        out.append(
            PushSubOrderCancellation(
                correlation_id=key, order_key=key, sub_order_id=sub_id, refund_key=refund.key
            )
        )
    units = [Units(line=line.line, sku=line.sku, qty=line.qty) for line in lines]
    return [*out, *await credit(order, f"{refund.key}:cancel", refund.key, "cancel", units, deps)]


async def _note_cancelled(refund: Refund, sub: SubOrder, deps: RefundDeps) -> None:
    now = utcnow()
    if sub.status is SubOrderStatus.CANCELLED:
        entry = LogEntry.of("sub_order_cancelled", now, sub_order_id=sub.id, refund_key=refund.key)
        await deps.refunds.stop_awaiting(sub.order_key, sub.id, entry)
        return
    lines_cancelled = LogEntry.of(
        "sub_order_lines_cancelled", now, sub_order_id=sub.id, cancel_key=f"{refund.key}|{sub.id}"
    )
    await deps.refunds.log_once_by(sub.order_key, lines_cancelled, "cancel_key")


def _by_sku(lines: list[RefundLine]) -> list[StockLine]:
    totals: Counter[str] = Counter()
    for line in lines:
        totals[line.sku] += line.qty
    return [StockLine(sku=sku, qty=qty) for sku, qty in sorted(totals.items())]


@dataclass(frozen=True)
class CancellationPushDeps:
    delivery: DeliveryDeps
    refunds: RefundStore


async def push_cancellation(cmd: PushSubOrderCancellation, *, deps: CancellationPushDeps) -> list[Outgoing]:
    """`sub_order.cancelled` (nothing left to ship) or `sub_order.lines_cancelled`, signed with the
    account's (or supplier's) webhook secret like the sub-order's own push, retried alike."""
    sub = await deps.delivery.orders.get_sub_order(cmd.sub_order_id)
    cancellation = None if sub is None else sub.cancelled_by(cmd.refund_key)
    target = None
    if sub is not None:
        targets = deps.delivery.targets
        target = await (
            targets.supplier_account(sub.account_id) if sub.account_id else targets.supplier(sub.supplier_id)
        )
    if sub is None or cancellation is None or target is None or target.push_url is None:
        raise DeadLetterError(f"no cancellation {cmd.refund_key} to push for {cmd.sub_order_id}")
    body: dict[str, Any] = {
        "type": "sub_order.cancelled"
        if sub.status is SubOrderStatus.CANCELLED
        else "sub_order.lines_cancelled",
        "id": sub.id,
        "order_key": sub.order_key,
        "status": sub.status.value,
        "lines": [line.model_dump() for line in sub.lines],
        "cancelled_lines": [line.model_dump() for line in cancellation.lines],
        "reason": cancellation.reason,
    }
    request = signed_json(target.push_url, target.webhook_secret, target.id, body)
    push_key = f"{cmd.refund_key}|{cmd.sub_order_id}"

    async def record(outcome: str, data: dict[str, Any]) -> None:
        entry = LogEntry.of(outcome, utcnow(), sub_order_id=cmd.sub_order_id, push_key=push_key, **data)
        await deps.refunds.log_once_by(cmd.order_key, entry, "push_key")

    d = deps.delivery
    return await send(
        cmd, request, post=d.post, give_up_after=d.give_up_after, record=record, done="cancellation_pushed"
    )
