"""Statements: one per supplier per period, a line per entry placed in it, and the moves
`open → issued → confirmed → paid`. Lines go into an open statement only, in the same
conditional update that checks it is open, so an issued statement never changes again."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from workers.settlement.model.entries import Entry, Kind
from workers.settlement.model.periods import Period, statement_id


class StatementStatus(StrEnum):
    OPEN = "open"
    ISSUED = "issued"
    CONFIRMED = "confirmed"
    PAID = "paid"


Action = Literal["issue", "confirm", "pay"]
S = StatementStatus
#: action -> (status it starts from, status it leads to, the time field it sets).
MOVES: dict[str, tuple[StatementStatus, StatementStatus, str]] = {
    "issue": (S.OPEN, S.ISSUED, "issued_at"),
    "confirm": (S.ISSUED, S.CONFIRMED, "confirmed_at"),
    "pay": (S.CONFIRMED, S.PAID, "paid_at"),
}


class StatementLine(BaseModel):
    """An entry as its statement shows it."""

    model_config = ConfigDict(frozen=True)
    key: str
    kind: Kind
    at: datetime
    amount: int
    order_key: str | None = None
    sub_order_id: str | None = None
    charged: int | None = None
    missing_settlement: list[str] = Field(default_factory=list)
    reason: str | None = None
    reference: str | None = None

    @classmethod
    def of(cls, entry: Entry) -> StatementLine:
        return cls.model_validate(entry.model_dump(include=set(cls.model_fields)))

    @property
    def margin(self) -> int | None:
        """The platform's margin on a shipment: what the merchant paid less what the supplier is paid."""
        return None if self.charged is None else self.charged - self.amount


class Statement(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)
    COLLECTION: ClassVar[str] = "settlement_statements"
    id: str = Field(alias="_id")
    supplier_id: str
    period: Period
    status: StatementStatus = StatementStatus.OPEN
    lines: list[StatementLine] = Field(default_factory=list)
    #: Σ the lines' amounts, kept in the same update that adds a line (audited).
    total: int = 0
    #: Lists page on it: newest period first, the id breaking ties.
    list_key: str
    issued_at: datetime | None = None
    confirmed_at: datetime | None = None
    paid_at: datetime | None = None
    payment_reference: str | None = None

    @classmethod
    def opened(cls, supplier_id: str, period: Period) -> Statement:
        sid = statement_id(supplier_id, period)
        return cls(
            id=sid, supplier_id=supplier_id, period=period, list_key=f"{period.start.isoformat()}|{sid}"
        )

    def holds(self, key: str) -> bool:
        return any(line.key == key for line in self.lines)

    def total_of(self, kind: Kind) -> int:
        return sum(line.amount for line in self.lines if line.kind == kind)

    @property
    def margin(self) -> int:
        return sum(line.margin or 0 for line in self.lines)

    @property
    def flagged(self) -> int:
        """Lines with a SKU that had no settlement price when it was ordered."""
        return sum(1 for line in self.lines if line.missing_settlement)

    def violations(self) -> list[str]:
        lines_sum = sum(line.amount for line in self.lines)
        return [] if lines_sum == self.total else [f"total {self.total} != Σ its lines {lines_sum}"]


def move_refusal(
    statement: Statement, action: Action, now: datetime, *, hold: timedelta | None = None
) -> str | None:
    """Why `action` cannot be taken now, else None. The operator may issue once the period has
    ended (`hold` None); the periodic job only once the hold after it is over too."""
    source, _, _ = MOVES[action]
    if statement.status is not source:
        return f"a statement that is {statement.status} cannot be {MOVES[action][1]} (it must be {source})"
    due = statement.period.end + (hold or timedelta(0))
    if action == "issue" and now < due:
        return f"the statement can be issued from {due.isoformat()}"
    return None


def already(statement: Statement, action: Action, reference: str | None) -> bool:
    """The statement is where `action` leads (a repeat): a pay repeats only with its reference."""
    _, target, _ = MOVES[action]
    return statement.status is target and (action != "pay" or statement.payment_reference == reference)
