"""What a supplier is owed, one entry per business fact: a shipped sub-order accrues Σ qty times
the settlement price on the order line; a return received reverses the units that came back;
an operator's adjustment (a refund charged back, a reship paid for) moves either way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from workers.settlement.model.periods import Period, statement_id

Kind = Literal["shipment", "return", "adjustment"]


class OrderedLine(BaseModel):
    """An order line as settlement reads it: who supplies it, what it is paid, what was charged."""

    model_config = ConfigDict(frozen=True)
    sku: str
    qty: int
    supplier_id: str | None
    unit_settlement: int | None
    #: What the merchant paid for the whole line (its cost less its share of any discount).
    charge: int


class LineDetail(BaseModel):
    """One order line's part in an entry; `amount` is 0 when the line had no settlement price."""

    model_config = ConfigDict(frozen=True)
    line: int
    sku: str
    qty: int
    unit_settlement: int | None
    amount: int


class Entry(BaseModel):
    """An accrual, reversal or adjustment, stored once under its business key; `period` and
    `statement_id` say where it is placed (they move forward only, past an issued statement)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)
    COLLECTION: ClassVar[str] = "settlement_entries"
    key: str = Field(alias="_id")
    supplier_id: str
    kind: Kind
    amount: int
    at: datetime
    period: Period
    statement_id: str
    order_key: str | None = None
    sub_order_id: str | None = None
    #: Shipments only: what the merchant was charged for these units (the margin's other side).
    charged: int | None = None
    details: list[LineDetail] = Field(default_factory=list)
    #: SKUs whose order line had no settlement price: the line is flagged, paid 0 for them.
    missing_settlement: list[str] = Field(default_factory=list)
    reason: str | None = None
    reference: str | None = None

    def placed_in(self, period: Period) -> Entry:
        return self.model_copy(
            update={"period": period, "statement_id": statement_id(self.supplier_id, period)}
        )


def shipment_key(sub_order_id: str) -> str:
    return f"shipment:{sub_order_id}"


def return_key(return_id: str) -> str:
    return f"return:{return_id}"


def adjustment_key(supplier_id: str, reference: str) -> str:
    return f"adjustment:{supplier_id}:{reference}"


def shipped_details(
    lines: Sequence[OrderedLine], supplier_id: str, shipped: Sequence[tuple[str, int]]
) -> tuple[list[LineDetail], int]:
    """Each shipped (sku, qty) on its order line of this supplier, with what the merchant paid
    for those units."""
    details: list[LineDetail] = []
    charged = 0
    used: set[int] = set()
    for sku, qty in shipped:
        i = next(
            (
                i
                for i, line in enumerate(lines)
                if i not in used and line.sku == sku and line.supplier_id == supplier_id
            ),
            None,
        )
        if i is None:
            raise ValueError(f"shipped {sku} is on no order line of supplier {supplier_id}")
        used.add(i)
        line = lines[i]
        details.append(_detail(i, line, qty))
        charged += line.charge * qty // line.qty
    return details, charged


def returned_details(
    lines: Sequence[OrderedLine], supplier_id: str, returned: Sequence[tuple[int, int]]
) -> list[LineDetail]:
    """Each (line, units received) of this supplier, reversed: negative, at most the line's qty."""
    details = []
    for i, received in returned:
        if i >= len(lines) or lines[i].supplier_id != supplier_id or received == 0:
            continue
        detail = _detail(i, lines[i], min(received, lines[i].qty))
        details.append(detail.model_copy(update={"amount": -detail.amount}))
    return details


def _detail(i: int, line: OrderedLine, qty: int) -> LineDetail:
    unit = line.unit_settlement
    return LineDetail(line=i, sku=line.sku, qty=qty, unit_settlement=unit, amount=qty * (unit or 0))


def missing(details: Sequence[LineDetail]) -> list[str]:
    return sorted({d.sku for d in details if d.unit_settlement is None})
