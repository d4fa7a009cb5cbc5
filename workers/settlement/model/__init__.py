"""Settlement's aggregates and rules: periods, entries (accruals, reversals, adjustments) and
statements with their moves."""

from workers.settlement.model.entries import (
    Entry,
    Kind,
    LineDetail,
    OrderedLine,
    adjustment_key,
    missing,
    return_key,
    returned_details,
    shipment_key,
    shipped_details,
)
from workers.settlement.model.periods import ANCHOR, Period, Terms, period_of, statement_id
from workers.settlement.model.statements import (
    MOVES,
    Action,
    Statement,
    StatementLine,
    StatementStatus,
    already,
    move_refusal,
)

__all__ = [
    "ANCHOR",
    "MOVES",
    "Action",
    "Entry",
    "Kind",
    "LineDetail",
    "OrderedLine",
    "Period",
    "Statement",
    "StatementLine",
    "StatementStatus",
    "Terms",
    "adjustment_key",
    "already",
    "missing",
    "move_refusal",
    "period_of",
    "return_key",
    "returned_details",
    "shipment_key",
    "shipped_details",
    "statement_id",
]
