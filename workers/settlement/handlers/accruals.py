"""What a supplier is owed: a shipped sub-order accrues, a return received reverses the units
that came back, an operator's adjustment moves either way. Each once, by its business key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog

from juhe.outgoing import Outgoing
from schemas.events import ReturnReceived, SubOrderShipped
from schemas.settlement import AdjustSettlement
from workers.settlement.handlers.placing import place
from workers.settlement.handlers.ports import Orders, SettlementRepository
from workers.settlement.model import (
    Entry,
    OrderedLine,
    Period,
    Terms,
    adjustment_key,
    missing,
    period_of,
    return_key,
    returned_details,
    shipment_key,
    shipped_details,
    statement_id,
)

_log = structlog.get_logger("settlement.accruals")


@dataclass(frozen=True)
class SettlementDeps:
    repo: SettlementRepository
    orders: Orders
    terms: Terms


async def on_sub_order_shipped(evt: SubOrderShipped, *, deps: SettlementDeps) -> list[Outgoing]:
    """Σ shipped qty times the settlement price on the order line, in the period of the shipment.
    A reship's sub-order (the order area's `reship_of`) accrues nothing."""
    sub = await deps.orders.sub_order(evt.sub_order_id)
    if sub is None:
        raise RuntimeError(f"sub-order {evt.sub_order_id} not found yet, will be redelivered")
    if sub.reship_of is not None:
        # A reship (补单) adds nothing unless the operator pays for it with an adjustment.
        _log.info("settlement.reship_not_accrued", sub_order_id=evt.sub_order_id)
        return []
    lines = await _ordered_lines(deps.orders, evt.order_key)
    details, charged = shipped_details(lines, sub.supplier_id, [(s.sku, s.qty) for s in sub.lines])
    period = period_of(evt.occurred_at, deps.terms.period)
    entry = _entry(shipment_key(evt.sub_order_id), evt.supplier_id, "shipment", evt.occurred_at, period)
    entry = entry.model_copy(
        update={
            "amount": sum(d.amount for d in details),
            "order_key": evt.order_key,
            "sub_order_id": evt.sub_order_id,
            "charged": charged,
            "details": details,
            "missing_settlement": missing(details),
        }
    )
    placed = await place(deps.repo, entry)
    _log.info("settlement.accrued", sub_order_id=evt.sub_order_id, amount=entry.amount, statement=placed.id)
    return []


async def on_return_received(evt: ReturnReceived, *, deps: SettlementDeps) -> list[Outgoing]:
    """The units received back are not paid for: reversed in the shipment's statement while it
    is open, else in the next open one."""
    lines = await _ordered_lines(deps.orders, evt.order_key)
    returned = [(r.line, r.received) for r in evt.lines]
    details = returned_details(lines, evt.supplier_id, returned)
    if not details:
        return []
    period = await _period_of_sub_order(deps, evt.sub_order_id, evt.occurred_at)
    entry = _entry(return_key(evt.return_id), evt.supplier_id, "return", evt.occurred_at, period)
    entry = entry.model_copy(
        update={
            "amount": sum(d.amount for d in details),
            "order_key": evt.order_key,
            "sub_order_id": evt.sub_order_id,
            "details": details,
            "missing_settlement": missing(details),
            "reference": evt.return_id,
        }
    )
    placed = await place(deps.repo, entry)
    _log.info("settlement.reversed", return_id=evt.return_id, amount=entry.amount, statement=placed.id)
    return []


async def adjust(cmd: AdjustSettlement, *, deps: SettlementDeps) -> list[Outgoing]:
    """A charge-back of a refund (negative) or a reship paid for (positive), with its reason."""
    period = await _period_of_sub_order(deps, cmd.sub_order_id, cmd.occurred_at)
    key = adjustment_key(cmd.supplier_id, cmd.reference)
    entry = _entry(key, cmd.supplier_id, "adjustment", cmd.occurred_at, period).model_copy(
        update={
            "amount": cmd.amount,
            "order_key": cmd.order_key,
            "sub_order_id": cmd.sub_order_id,
            "reason": cmd.reason,
            "reference": cmd.reference,
        }
    )
    placed = await place(deps.repo, entry)
    _log.info("settlement.adjusted", reference=cmd.reference, amount=cmd.amount, statement=placed.id)
    return []


def _entry(key: str, supplier_id: str, kind: str, at: datetime, period: Period) -> Entry:
    return Entry.model_validate(
        {
            "_id": key,
            "supplier_id": supplier_id,
            "kind": kind,
            "amount": 0,
            "at": at,
            "period": period,
            "statement_id": statement_id(supplier_id, period),
        }
    )


async def _ordered_lines(orders: Orders, order_key: str) -> list[OrderedLine]:
    order = await orders.order(order_key)
    if order is None:
        raise RuntimeError(f"order {order_key} not found yet, will be redelivered")
    return [
        OrderedLine(
            sku=line.sku,
            qty=line.qty,
            supplier_id=line.supplier_id,
            unit_settlement=line.unit_settlement,
            charge=charge,
        )
        for line, charge in zip(order.lines, order.line_charges, strict=True)
    ]


async def _period_of_sub_order(deps: SettlementDeps, sub_order_id: str | None, at: datetime) -> Period:
    """Where the sub-order's shipment is placed (after-sale adjusts its statement while open);
    the period of `at` when there is none."""
    shipped = None if sub_order_id is None else await deps.repo.entry(shipment_key(sub_order_id))
    return period_of(at, deps.terms.period) if shipped is None else shipped.period
