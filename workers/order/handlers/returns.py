"""Returns (退货): the buyer's tracking, the supplier's receipt (restock and credit what came back
undamaged), the operator's approval of damaged units, a rejection, a refund without return.

Each step moves the return by its state, then derives its effects from the stored return, so a
repeat re-derives the same (idempotent) messages; a refund ends when all its returns have.
"""

from __future__ import annotations

from datetime import datetime

import structlog

from juhe.outgoing import Outgoing
from schemas.after_sale import (
    ApproveDamaged,
    GrantRefundOnly,
    ReceiveReturn,
    RejectReturn,
    RestockUnits,
    ReturnShippedBack,
)
from schemas.common import StockLine
from schemas.envelope import utcnow
from schemas.events import ReturnedLine, ReturnReceived
from workers.order.handlers.refunds_credit import RefundDeps, credit, release
from workers.order.model import LogEntry, Order
from workers.order.model.refunds import LineMode, RefundState
from workers.order.model.returns import (
    RETURN_MOVES,
    RETURN_TARGETS,
    TERMINAL,
    Return,
    ReturnAction,
    ReturnState,
    ReturnTracking,
    receipt_refusal,
    receipt_state,
    received_lines,
)

_log = structlog.get_logger("order.returns")
A = ReturnAction


async def _move(
    ret: Return, action: ReturnAction, deps: RefundDeps, target: ReturnState | None = None, **data: object
) -> Return:
    """The return moved by `action` if it may be, logged on it and once on the order."""
    now = utcnow()
    to = target or RETURN_TARGETS[action]
    fields = {name: value for name, value in data.items() if name in Return.model_fields}
    note = {name: value for name, value in data.items() if isinstance(value, str | int)}
    entry = LogEntry.of(to.value, now, **note)
    moved = await deps.refunds.move_return(ret.id, RETURN_MOVES[action], to, entry, fields)
    assert moved is not None
    await _log_on_order(ret, to, now, deps)
    return moved


async def _log_on_order(ret: Return, state: ReturnState, at: datetime, deps: RefundDeps) -> None:
    logged = LogEntry.of(f"return_{state.value}", at, return_id=ret.id, step=f"{ret.id}|{state.value}")
    await deps.refunds.log_once_by(ret.order_key, logged, "step")


async def _log_receipt(ret: Return, deps: RefundDeps) -> None:
    """The receipt on the order, from the stored return: a redelivery after a crash between the
    return's move and the order's log finds the return received and still logs it."""
    receipts = {ReturnState.RECEIVED.value, ReturnState.PARTIALLY_RECEIVED.value}
    receipt = next((e for e in ret.history if e.type in receipts), None)
    if receipt is not None:
        await _log_on_order(ret, ReturnState(receipt.type), receipt.at, deps)


async def _context(return_id: str, deps: RefundDeps) -> tuple[Return, Order] | None:
    ret = await deps.refunds.get_return(return_id)
    order = None if ret is None else await deps.orders.get(ret.order_key)
    if ret is None or order is None:
        _log.warning("return.unknown", return_id=return_id)
        return None
    return ret, order


async def ship_back(cmd: ReturnShippedBack, *, deps: RefundDeps) -> list[Outgoing]:
    found = await _context(cmd.return_id, deps)
    if found is not None:
        tracking = ReturnTracking(carrier=cmd.carrier, tracking_no=cmd.tracking_no, at=utcnow())
        await _move(found[0], A.SHIP_BACK, deps, tracking=tracking, tracking_no=cmd.tracking_no)
    return []


async def receive(cmd: ReceiveReturn, *, deps: RefundDeps) -> list[Outgoing]:
    found = await _context(cmd.return_id, deps)
    if found is None or found[0].supplier_id != cmd.supplier_id:
        return []
    ret, order = found
    if ret.state in RETURN_MOVES[A.RECEIVE]:
        if (refusal := receipt_refusal(ret, cmd.lines)) is not None:
            _log.warning("return.receipt_refused", why=refusal)
            return []
        lines = received_lines(ret, cmd.lines)
        ret = await _move(ret, A.RECEIVE, deps, receipt_state(lines), lines=lines, received_at=utcnow())
    if ret.received_at is None:
        return []
    await _log_receipt(ret, deps)
    return await _after_receipt(ret, order, deps)


async def _after_receipt(ret: Return, order: Order, deps: RefundDeps) -> list[Outgoing]:
    """Units that never came back are refundable again; undamaged ones are restocked and
    credited; the return is settled unless damaged units wait for the operator."""
    key = order.key
    await release(order, f"{ret.id}:missing", ret.missing_units, deps)
    out: list[Outgoing] = await credit(
        order, f"{ret.id}:received", ret.refund_key, "return", ret.undamaged_units, deps
    )
    if ret.undamaged_units:
        lines = [StockLine(sku=u.sku, qty=u.qty) for u in ret.undamaged_units]
        out.append(RestockUnits(correlation_id=key, restock_id=ret.id, lines=lines))
    returned = [
        ReturnedLine(line=ln.line, sku=ln.sku, received=ln.received, damaged=ln.damaged) for ln in ret.lines
    ]
    out.append(
        ReturnReceived(
            correlation_id=key,
            return_id=ret.id,
            order_key=key,
            sub_order_id=ret.sub_order_id,
            supplier_id=ret.supplier_id,
            lines=returned,
        )
    )
    if not ret.damaged_units:
        ret = await _move(ret, A.SETTLE, deps)
    return [*out, *await finish_refund(ret, deps)]


async def approve_damaged(cmd: ApproveDamaged, *, deps: RefundDeps) -> list[Outgoing]:
    found = await _context(cmd.return_id, deps)
    if found is None:
        return []
    ret, order = found
    received = ret.received_at is not None and ret.state in {
        *RETURN_MOVES[A.APPROVE_DAMAGED],
        ReturnState.REFUNDED,
    }
    if not received or not ret.damaged_units:
        return []
    out = await credit(order, f"{ret.id}:damaged", ret.refund_key, "return", ret.damaged_units, deps)
    ret = await _move(ret, A.APPROVE_DAMAGED, deps)
    return [*out, *await finish_refund(ret, deps)]


async def reject(cmd: RejectReturn, *, deps: RefundDeps) -> list[Outgoing]:
    found = await _context(cmd.return_id, deps)
    if found is None:
        return []
    ret, order = found
    ret = await _move(ret, A.REJECT, deps, decision=cmd.reason, reason_given=cmd.reason)
    if ret.state is not ReturnState.REJECTED:
        return []
    await release(order, f"{ret.id}:rejected", ret.all_units, deps)
    return await finish_refund(ret, deps)


async def refund_only(cmd: GrantRefundOnly, *, deps: RefundDeps) -> list[Outgoing]:
    found = await _context(cmd.return_id, deps)
    if found is None:
        return []
    ret, order = found
    ret = await _move(ret, A.REFUND_ONLY, deps, decision=cmd.reason, reason_given=cmd.reason)
    if ret.state is not ReturnState.REFUNDED or ret.received_at is not None:
        return []
    out = await credit(order, f"{ret.id}:refund_only", ret.refund_key, "refund_only", ret.all_units, deps)
    return [*out, *await finish_refund(ret, deps)]


async def finish_refund(ret: Return, deps: RefundDeps) -> list[Outgoing]:
    """The refund ends once all its returns have: refunded if anything of it was credited."""
    if ret.state not in TERMINAL:
        return []
    returns = await deps.refunds.returns_of(ret.refund_key)
    if any(r.state not in TERMINAL for r in returns):
        return []
    refund = await deps.refunds.get_refund(ret.refund_key)
    if refund is None:
        return []
    cancelled = any(line.mode is LineMode.CANCEL for line in refund.lines)
    credited = cancelled or any(r.state is ReturnState.REFUNDED for r in returns)
    state = RefundState.REFUNDED if credited else RefundState.REJECTED
    entry = LogEntry.of(state.value, utcnow())
    await deps.refunds.move_refund(refund.key, {RefundState.RETURNING}, state, entry)
    return []
