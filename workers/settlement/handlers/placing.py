"""Placing an entry on a statement: the statement of its period if still open, else the next
open one. The entry names where it is placed and moves only forward, by compare-and-set, so
concurrent or repeated deliveries converge on one statement holding it once."""

from __future__ import annotations

from workers.settlement.handlers.ports import SettlementRepository
from workers.settlement.model import Entry, Statement, StatementLine, StatementStatus

#: Statements skipped (or lost races) before giving up; the message is then redelivered.
MAX_HOPS = 100


async def place(repo: SettlementRepository, entry: Entry) -> Statement:
    """Store the entry once, then put its line on an open statement once; the statement holding it."""
    entry = await repo.record(entry)
    line = StatementLine.of(entry)
    for _ in range(MAX_HOPS):
        statement = await repo.open_statement(entry.supplier_id, entry.period)
        if statement.holds(entry.key):
            return statement
        if statement.status is StatementStatus.OPEN and await repo.add_line(statement.id, line):
            return statement
        again = await repo.statement(statement.id)
        if again is not None and again.holds(entry.key):
            return again
        if again is not None and again.status is StatementStatus.OPEN:
            continue  # a concurrent write of the statement: try again
        # Issued without this line: its period is closed, the line goes to the next one.
        moved = await repo.move_entry(entry.key, statement.id, entry.period.following())
        entry = moved or await _stored(repo, entry.key)
    raise RuntimeError(f"settlement entry {entry.key}: no open statement found, will be redelivered")


async def _stored(repo: SettlementRepository, key: str) -> Entry:
    stored = await repo.entry(key)
    assert stored is not None  # entries are never deleted
    return stored
