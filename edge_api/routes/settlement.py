"""Supplier settlement (货款结算): statements per supplier per period, the operator's and the
supplier's view of them (JSON, or the same lines as CSV), their moves, and adjustments."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict

from edge_api.deps import Edge, Operator, Supplier
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from juhe.store.pages import Page
from schemas.common import ShortText
from schemas.settlement import AdjustSettlement, ChangeStatement, PaymentReference, StatementState
from schemas.wallet import AdjustmentAmount, Reference
from workers.accounts.queries import AccountsQueries
from workers.order.queries import OrderQueries
from workers.settlement.model import StatementStatus
from workers.settlement.queries import (
    OperatorStatement,
    SettlementQueries,
    StatementFilter,
    StatementSummary,
    SupplierStatement,
    for_supplier,
)

router = APIRouter(prefix="/v1", tags=["settlement"])
LINE_COLUMNS = ("key", "kind", "at", "order_key", "sub_order_id", "amount", "flagged", "missing_settlement")
SUPPLIER_CSV = (*LINE_COLUMNS, "reason", "reference")
OPERATOR_CSV = (*SUPPLIER_CSV, "charged", "margin")
CSV_RESPONSE = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}, **errors(404)}
Status = Annotated[StatementStatus | None, Query()]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PaymentIn(Body):
    reference: PaymentReference


class AdjustmentIn(Body):
    supplier_id: str
    amount: AdjustmentAmount
    reference: Reference
    reason: ShortText
    order_key: str | None = None
    sub_order_id: str | None = None


class AdjustmentAccepted(BaseModel):
    """The adjustment is queued; its statement shows it once placed, once per reference."""

    supplier_id: str
    reference: str


# -- the operator


@router.get("/settlement/statements", responses=errors())
async def statements(
    edge: Edge,
    _: Operator,
    supplier_id: str | None = None,
    status: Status = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[StatementSummary]:
    """Newest period first; filter by supplier and status."""
    where = StatementFilter(supplier_id, status)
    return await SettlementQueries(edge.db).statements(where, limit=limit, cursor=cursor)


@router.get(
    "/settlement/statements/{statement_id}.csv", response_class=StreamingResponse, responses=CSV_RESPONSE
)
async def statement_csv(statement_id: str, edge: Edge, _: Operator) -> StreamingResponse:
    """The lines of `GET .../{id}`, one row each, in the same order."""
    statement = await _statement(edge, statement_id, None)
    return _csv([item.model_dump(mode="json") for item in statement.items], OPERATOR_CSV)


@router.get("/settlement/statements/{statement_id}", responses=errors(404))
async def statement(statement_id: str, edge: Edge, _: Operator) -> OperatorStatement:
    """Its lines (one per sub-order shipped or returned, one per adjustment), totals and margin."""
    return await _statement(edge, statement_id, None)


@router.post("/settlement/statements/{statement_id}/issue", responses=errors(404, 409, 503))
async def issue(statement_id: str, edge: Edge, _: Operator) -> StatementState:
    """From open, once its period has ended (the periodic job issues it after the hold); 409 otherwise."""
    return await _move(
        edge, ChangeStatement(correlation_id=statement_id, statement_id=statement_id, action="issue")
    )


@router.post("/settlement/statements/{statement_id}/pay", responses=errors(404, 409, 503))
async def pay(statement_id: str, body: PaymentIn, edge: Edge, _: Operator) -> StatementState:
    """From confirmed, with the payment's reference; 409 otherwise."""
    command = ChangeStatement(
        correlation_id=statement_id, statement_id=statement_id, action="pay", reference=body.reference
    )
    return await _move(edge, command)


@router.post("/settlement/adjustments", status_code=202, responses=errors(404, 503))
async def adjust(body: AdjustmentIn, edge: Edge, _: Operator) -> AdjustmentAccepted:
    """Either sign, with a reason, once per supplier and reference: a refund charged back, a
    reship paid for. Lands on the statement of the sub-order named while it is open."""
    if await AccountsQueries(edge.db).supplier(body.supplier_id) is None:
        raise not_found("supplier")
    order_key = body.order_key
    if body.sub_order_id is not None:
        sub = await OrderQueries(edge.db).sub_order(body.sub_order_id)
        if sub is None or sub.supplier_id != body.supplier_id:
            raise not_found("sub-order")
        if order_key not in (None, sub.order_key):
            raise ApiError(422, "invalid_field", "order_key: not the order of this sub-order")
        order_key = sub.order_key
    fields = body.model_dump(exclude={"order_key"})
    await edge.publish(AdjustSettlement(correlation_id=body.supplier_id, order_key=order_key, **fields))
    return AdjustmentAccepted(supplier_id=body.supplier_id, reference=body.reference)


# -- the supplier: its own statements only, without what merchants paid


@router.get("/supplier/statements", responses=errors())
async def own_statements(
    edge: Edge, caller: Supplier, status: Status = None, limit: Limit = 50, cursor: Cursor = None
) -> Page[StatementSummary]:
    where = StatementFilter(caller.id, status)
    return await SettlementQueries(edge.db).statements(where, limit=limit, cursor=cursor)


@router.get(
    "/supplier/statements/{statement_id}.csv", response_class=StreamingResponse, responses=CSV_RESPONSE
)
async def own_statement_csv(statement_id: str, edge: Edge, caller: Supplier) -> StreamingResponse:
    statement = for_supplier(await _statement(edge, statement_id, caller.id))
    return _csv([item.model_dump(mode="json") for item in statement.items], SUPPLIER_CSV)


@router.get("/supplier/statements/{statement_id}", responses=errors(404))
async def own_statement(statement_id: str, edge: Edge, caller: Supplier) -> SupplierStatement:
    return for_supplier(await _statement(edge, statement_id, caller.id))


@router.post("/supplier/statements/{statement_id}/confirm", responses=errors(404, 409, 503))
async def confirm(statement_id: str, edge: Edge, caller: Supplier) -> StatementState:
    """The supplier agrees with an issued statement; 409 from any other status."""
    command = ChangeStatement(
        correlation_id=statement_id, statement_id=statement_id, action="confirm", supplier_id=caller.id
    )
    return await _move(edge, command)


async def _statement(edge: Edge, statement_id: str, supplier_id: str | None) -> OperatorStatement:
    """Another supplier's statement is not found, like one that does not exist."""
    found = await SettlementQueries(edge.db).statement(statement_id)
    if found is None or (supplier_id is not None and found.supplier_id != supplier_id):
        raise not_found("statement")
    return found


async def _move(edge: Edge, command: ChangeStatement) -> StatementState:
    return StatementState.model_validate(await edge.ask(command))


def _csv(rows: list[dict[str, object]], columns: tuple[str, ...]) -> StreamingResponse:
    return StreamingResponse(_csv_text(rows, columns), media_type="text/csv")


def _csv_text(rows: list[dict[str, object]], columns: tuple[str, ...]) -> Iterator[str]:
    """A header, then a row per line; lists joined by spaces, null as empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[column]) for column in columns])
    yield buffer.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return value
