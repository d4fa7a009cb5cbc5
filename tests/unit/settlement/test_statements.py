"""A statement's moves: issue after its period (the job after the hold), confirm, pay; wrong
moves are conflicts and change nothing; another supplier's statement is not found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schemas.settlement import ChangeStatement
from tests.unit.settlement.support import TERMS, WEEK
from workers.settlement.handlers.statements import change_statement, issue_due
from workers.settlement.memory import MemorySettlement
from workers.settlement.model import StatementLine, StatementStatus, Terms, period_of

NOW = datetime.now(UTC)


async def statement_at(repo: MemorySettlement, at: datetime, supplier: str = "sup_1") -> str:
    statement = await repo.open_statement(supplier, period_of(at, WEEK))
    line = StatementLine(key=f"adjustment:{supplier}:x", kind="adjustment", at=at, amount=500)
    assert await repo.add_line(statement.id, line)
    return statement.id


def move(statement_id: str, action: str, **fields: str) -> ChangeStatement:
    return ChangeStatement(correlation_id=statement_id, statement_id=statement_id, action=action, **fields)  # type: ignore[arg-type]


@pytest.fixture
def repo() -> MemorySettlement:
    return MemorySettlement()


async def test_issue_confirm_pay_in_order_and_a_repeat_answers_the_same(repo: MemorySettlement) -> None:
    sid = await statement_at(repo, NOW - 2 * WEEK)
    assert (await change_statement(move(sid, "issue"), repo=repo))[0]["status"] == "issued"
    confirmed, _ = await change_statement(move(sid, "confirm", supplier_id="sup_1"), repo=repo)
    assert confirmed == {"id": sid, "status": "confirmed", "payment_reference": None}
    paid, _ = await change_statement(move(sid, "pay", reference="BANK-1"), repo=repo)
    assert paid == {"id": sid, "status": "paid", "payment_reference": "BANK-1"}
    again, _ = await change_statement(move(sid, "pay", reference="BANK-1"), repo=repo)
    assert again == paid
    other, _ = await change_statement(move(sid, "pay", reference="BANK-2"), repo=repo)
    assert other["error"]["code"] == "conflict"
    assert repo.statements[sid].payment_reference == "BANK-1"


async def test_wrong_moves_are_conflicts_and_change_nothing(repo: MemorySettlement) -> None:
    running = await statement_at(repo, NOW)
    ended = await statement_at(repo, NOW - WEEK, supplier="sup_2")
    refusals = [
        move(running, "issue"),  # its period has not ended
        move(running, "confirm", supplier_id="sup_1"),  # not issued
        move(ended, "pay", reference="BANK-1"),  # not confirmed
    ]
    for refused in refusals:
        answer, _ = await change_statement(refused, repo=repo)
        assert answer["error"]["code"] == "conflict", refused.action
    assert {s.status for s in repo.statements.values()} == {StatementStatus.OPEN}


async def test_another_suppliers_statement_is_not_found(repo: MemorySettlement) -> None:
    sid = await statement_at(repo, NOW - 2 * WEEK)
    await change_statement(move(sid, "issue"), repo=repo)
    answer, _ = await change_statement(move(sid, "confirm", supplier_id="sup_2"), repo=repo)
    assert answer["error"]["code"] == "not_found"
    assert repo.statements[sid].status is StatementStatus.ISSUED


async def test_the_job_issues_only_statements_whose_hold_is_over(repo: MemorySettlement) -> None:
    held = await statement_at(repo, NOW - WEEK)  # ended less than a week ago
    due = await statement_at(repo, NOW - 3 * WEEK, supplier="sup_2")
    assert await issue_due(repo, TERMS) == 1
    assert (repo.statements[held].status, repo.statements[due].status) == (
        StatementStatus.OPEN,
        StatementStatus.ISSUED,
    )
    assert await issue_due(repo, Terms(period=WEEK, hold=timedelta(0))) == 1
    assert repo.statements[held].status is StatementStatus.ISSUED
