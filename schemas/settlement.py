"""Supplier settlement's messages: the operator's adjustment of a payable, and the moves of a
statement (request/reply: issue, confirm by the supplier, pay with a payment reference)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from schemas.common import ShortText
from schemas.envelope import Command
from schemas.wallet import AdjustmentAmount, Reference

#: A payment reference: the bank transfer or voucher that paid the statement.
PaymentReference = Annotated[str, Field(min_length=1, max_length=128)]


class AdjustSettlement(Command):
    """An operator's change of what a supplier is owed, once per reference: negative charges a
    refund back, positive pays for a reship. It lands in the statement of the sub-order named,
    else of the period it is made in (or the next open one)."""

    NAME: ClassVar[str] = "settlement.adjust"
    supplier_id: str
    amount: AdjustmentAmount
    reference: Reference
    reason: ShortText
    order_key: str | None = None
    sub_order_id: str | None = None

    def business_key(self) -> str:
        return f"{self.supplier_id}|{self.reference}"


class ChangeStatement(Command):
    """Request/reply: move a statement; `supplier_id` set when the supplier asks (its own only)."""

    NAME: ClassVar[str] = "settlement.change_statement"
    statement_id: str
    action: Literal["issue", "confirm", "pay"]
    supplier_id: str | None = None
    reference: PaymentReference | None = None

    def business_key(self) -> str:
        return f"{self.statement_id}|{self.action}|{self.occurred_at.isoformat()}"


class StatementState(BaseModel):
    """The answer to ChangeStatement."""

    id: str
    status: Literal["open", "issued", "confirmed", "paid"]
    payment_reference: str | None = None
