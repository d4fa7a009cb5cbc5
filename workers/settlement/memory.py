"""In-memory twin of the settlement repository, for unit tests: the same calls, each as atomic
as the store's (a line joins only an open statement that lacks it; moves compare the status)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from workers.settlement.model import Entry, Period, Statement, StatementLine, StatementStatus


class MemorySettlement:
    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.statements: dict[str, Statement] = {}

    async def record(self, entry: Entry) -> Entry:
        return self.entries.setdefault(entry.key, entry)

    async def entry(self, key: str) -> Entry | None:
        return self.entries.get(key)

    async def move_entry(self, key: str, from_statement: str, to: Period) -> Entry | None:
        entry = self.entries.get(key)
        if entry is None or entry.statement_id != from_statement:
            return None
        self.entries[key] = entry.placed_in(to)
        return self.entries[key]

    async def statement(self, statement_id: str) -> Statement | None:
        return self.statements.get(statement_id)

    async def open_statement(self, supplier_id: str, period: Period) -> Statement:
        opened = Statement.opened(supplier_id, period)
        return self.statements.setdefault(opened.id, opened)

    async def add_line(self, statement_id: str, line: StatementLine) -> bool:
        current = self.statements.get(statement_id)
        if current is None or current.status is not StatementStatus.OPEN or current.holds(line.key):
            return False
        update = {"lines": [*current.lines, line], "total": current.total + line.amount}
        self.statements[statement_id] = current.model_copy(update=update)
        return True

    async def move(
        self, statement_id: str, source: StatementStatus, target: StatementStatus, fields: dict[str, object]
    ) -> Statement | None:
        current = self.statements.get(statement_id)
        if current is None or current.status is not source:
            return None
        self.statements[statement_id] = current.model_copy(update={"status": target, **fields})
        return self.statements[statement_id]

    async def due(self, ended_before: datetime) -> Sequence[Statement]:
        return [
            s
            for s in self.statements.values()
            if s.status is StatementStatus.OPEN and s.period.end <= ended_before
        ]
