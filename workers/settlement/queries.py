"""Settlement's read side: statements (a page of summaries, one with its lines, as the operator
or its supplier sees it) and the payables the audit reconciles. The only code that reads
settlement's collections."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from juhe.store.pages import Page, keyset_page
from workers.settlement.model import Entry, Kind, Statement, StatementLine, StatementStatus

Doc = dict[str, Any]


class LineView(BaseModel):
    """A statement line as its supplier sees it; `flagged`: a SKU had no settlement price."""

    key: str
    kind: Kind
    at: datetime
    amount: int
    order_key: str | None
    sub_order_id: str | None
    flagged: bool
    missing_settlement: list[str]
    reason: str | None
    reference: str | None

    @classmethod
    def of(cls, line: StatementLine) -> LineView:
        return cls(**line.model_dump(exclude={"charged"}), flagged=bool(line.missing_settlement))


class OperatorLineView(LineView):
    """The operator also sees what the merchant was charged, and the margin (shipments only)."""

    charged: int | None
    margin: int | None

    @classmethod
    def of(cls, line: StatementLine) -> OperatorLineView:
        shown = LineView.of(line).model_dump()
        return cls(**shown, charged=line.charged, margin=line.margin)


class StatementSummary(BaseModel):
    id: str
    supplier_id: str
    period_start: datetime
    period_end: datetime
    status: StatementStatus
    #: What the platform owes the supplier for the period: Σ the lines.
    total: int
    shipped: int
    reversed: int
    adjusted: int
    lines: int
    flagged: int
    issued_at: datetime | None
    confirmed_at: datetime | None
    paid_at: datetime | None
    payment_reference: str | None

    @classmethod
    def of(cls, statement: Statement) -> StatementSummary:
        shown = statement.model_dump(include={"id", "supplier_id", "status", "total", "payment_reference"})
        times = statement.model_dump(include={"issued_at", "confirmed_at", "paid_at"})
        return cls(
            **shown,
            **times,
            period_start=statement.period.start,
            period_end=statement.period.end,
            shipped=statement.total_of("shipment"),
            reversed=statement.total_of("return"),
            adjusted=statement.total_of("adjustment"),
            lines=len(statement.lines),
            flagged=statement.flagged,
        )


class SupplierStatement(StatementSummary):
    items: list[LineView]


class OperatorStatement(StatementSummary):
    #: The platform's margin on the period's shipments: Σ (charged - settlement cost).
    margin: int
    items: list[OperatorLineView]


@dataclass(frozen=True)
class StatementFilter:
    supplier_id: str | None = None
    status: StatementStatus | None = None

    def query(self) -> Doc:
        query: Doc = {}
        if self.supplier_id is not None:
            query["supplier_id"] = self.supplier_id
        if self.status is not None:
            query["status"] = self.status.value
        return query


class SettlementQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def statements(
        self, where: StatementFilter, *, limit: int, cursor: str | None
    ) -> Page[StatementSummary]:
        """Newest period first."""
        docs, next_cursor = await keyset_page(
            self._db[Statement.COLLECTION],
            where.query(),
            field="list_key",
            limit=limit,
            cursor=cursor,
            descending=True,
        )
        items = [StatementSummary.of(Statement.model_validate(doc)) for doc in docs]
        return Page(items=items, next_cursor=next_cursor)

    async def statement(self, statement_id: str) -> OperatorStatement | None:
        """A statement with its lines in the order they were placed; the supplier's view drops
        what the merchant paid and the margin (`for_supplier`)."""
        doc = await self._db[Statement.COLLECTION].find_one({"_id": statement_id})
        if doc is None:
            return None
        statement = Statement.model_validate(doc)
        items = [OperatorLineView.of(line) for line in statement.lines]
        return OperatorStatement(
            **StatementSummary.of(statement).model_dump(), margin=statement.margin, items=items
        )

    async def payable_mismatches(self) -> list[str]:
        """Each statement whose total is not Σ its lines; each supplier whose statements do not
        add up to Σ shipped - Σ reversed + Σ adjusted of its entries; each entry not on exactly
        the statement it names."""
        problems: list[str] = []
        payable: Counter[str] = Counter()
        held: dict[str, str] = {}
        async for doc in self._db[Statement.COLLECTION].find():
            statement = Statement.model_validate(doc)
            problems += [f"statement {statement.id}: {p}" for p in statement.violations()]
            payable[statement.supplier_id] += statement.total
            held.update({line.key: statement.id for line in statement.lines})
        owed: Counter[str] = Counter()
        async for doc in self._db[Entry.COLLECTION].find():
            entry = Entry.model_validate(doc)
            owed[entry.supplier_id] += entry.amount
            if held.get(entry.key) != entry.statement_id:
                problems.append(f"entry {entry.key}: not on statement {entry.statement_id}")
        for supplier in sorted(set(payable) | set(owed)):
            if payable[supplier] != owed[supplier]:
                problems.append(
                    f"supplier {supplier}: statements total {payable[supplier]} != "
                    f"shipped - reversed + adjusted {owed[supplier]}"
                )
        return problems


def for_supplier(statement: OperatorStatement) -> SupplierStatement:
    shown = statement.model_dump(exclude={"margin", "items"})
    items = [
        LineView.model_validate(line.model_dump(exclude={"charged", "margin"})) for line in statement.items
    ]
    return SupplierStatement(**shown, items=items)
