"""A statement's moves: issued (by the operator once its period ended, or by the periodic job
once the hold after it is over), confirmed by its supplier, paid by the operator with a
reference. A wrong move is a conflict; another supplier's statement is not found."""

from __future__ import annotations

import structlog

from juhe.replies import Reply, ok, refuse
from schemas.envelope import utcnow
from schemas.settlement import ChangeStatement, StatementState
from workers.settlement.handlers.ports import SettlementRepository
from workers.settlement.model import MOVES, Statement, Terms, already, move_refusal

_log = structlog.get_logger("settlement.statements")


async def change_statement(cmd: ChangeStatement, *, repo: SettlementRepository) -> Reply:
    statement = await repo.statement(cmd.statement_id)
    if statement is None or (cmd.supplier_id is not None and statement.supplier_id != cmd.supplier_id):
        return refuse("not_found", "statement not found")
    if already(statement, cmd.action, cmd.reference):
        return ok(_state(statement))
    now = utcnow()
    if problem := move_refusal(statement, cmd.action, now):
        return refuse("conflict", problem)
    source, target, stamp = MOVES[cmd.action]
    fields: dict[str, object] = {stamp: now}
    if cmd.action == "pay":
        fields["payment_reference"] = cmd.reference
    moved = await repo.move(statement.id, source, target, fields)
    if moved is None:  # moved under us: answer from where it is now
        current = await repo.statement(statement.id)
        assert current is not None  # statements are never deleted
        if already(current, cmd.action, cmd.reference):
            return ok(_state(current))
        return refuse("conflict", f"the statement is now {current.status}")
    _log.info("settlement.statement_moved", statement=moved.id, status=moved.status)
    return ok(_state(moved))


async def issue_due(repo: SettlementRepository, terms: Terms) -> int:
    """Issue every open statement whose hold is over; safe on every worker copy at once."""
    now = utcnow()
    source, target, stamp = MOVES["issue"]
    issued = 0
    for statement in await repo.due(now - terms.hold):
        if move_refusal(statement, "issue", now, hold=terms.hold) is None:
            issued += await repo.move(statement.id, source, target, {stamp: now}) is not None
    if issued:
        _log.info("settlement.statements_issued", count=issued)
    return issued


def _state(statement: Statement) -> dict[str, object]:
    state = StatementState(
        id=statement.id, status=statement.status.value, payment_reference=statement.payment_reference
    )
    return state.model_dump(mode="json")
