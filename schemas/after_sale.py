"""After-sale (售后) messages: refunds by any source, returns and their steps, and the stock and
push commands they lead to. The events other capabilities consume (`OrderRefunded`,
`ReturnReceived`, `OrderClosed`) are in `schemas.events`."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StrictInt

from schemas.commands import OutboundDelivery
from schemas.common import Frozen, ShortText, Sku, StockLine
from schemas.envelope import Command

#: Who asked for a refund.
RefundSource = Literal["platform", "merchant", "operator"]
Units = Annotated[StrictInt, Field(ge=0, le=100_000)]


class RequestRefund(Command):
    """Refund an order, in full (`lines` None) or by SKU and quantity; idempotent on the key."""

    NAME: ClassVar[str] = "order.request_refund"
    refund_key: str
    refund_id: str
    order_key: str
    merchant_id: str
    source: RefundSource
    reason: str
    lines: list[StockLine] | None = Field(default=None, max_length=200)

    def business_key(self) -> str:
        return self.refund_key


class ReturnShippedBack(Command):
    """The buyer sent the goods back: the return is in transit with this tracking."""

    NAME: ClassVar[str] = "order.return_shipped_back"
    return_id: str
    carrier: str
    tracking_no: str

    def business_key(self) -> str:
        return self.return_id


class ReceivedLine(Frozen):
    sku: Sku
    received: Units
    damaged: Units


class ReceiveReturn(Command):
    """The supplier confirms what came back: per line, units received and how many are damaged."""

    NAME: ClassVar[str] = "order.receive_return"
    return_id: str
    supplier_id: str
    lines: list[ReceivedLine] = Field(min_length=1, max_length=200)

    def business_key(self) -> str:
        return self.return_id


class ApproveDamaged(Command):
    """The operator approves crediting the damaged units of a received return."""

    NAME: ClassVar[str] = "order.approve_damaged"
    return_id: str

    def business_key(self) -> str:
        return self.return_id


class RejectReturn(Command):
    NAME: ClassVar[str] = "order.reject_return"
    return_id: str
    reason: ShortText

    def business_key(self) -> str:
        return self.return_id


class GrantRefundOnly(Command):
    """The operator credits a return's units without the goods coming back (no restock)."""

    NAME: ClassVar[str] = "order.grant_refund_only"
    return_id: str
    reason: ShortText

    def business_key(self) -> str:
        return self.return_id


class ReleaseStockUnits(Command):
    """Part of an order's hold on each SKU is released (lines cancelled before shipment);
    idempotent on `release_id` while the hold exists."""

    NAME: ClassVar[str] = "inventory.release_units"
    order_key: str
    release_id: str
    lines: list[StockLine] = Field(min_length=1)

    def business_key(self) -> str:
        return self.release_id


class RestockUnits(Command):
    """Returned undamaged units go back on hand; idempotent on `restock_id` per SKU."""

    NAME: ClassVar[str] = "inventory.restock"
    restock_id: str
    lines: list[StockLine] = Field(min_length=1)

    def business_key(self) -> str:
        return self.restock_id


class PushSubOrderCancellation(OutboundDelivery):
    """Tell a webhook supplier (ERP) that lines of its sub-order were cancelled (signed, retried)."""

    NAME: ClassVar[str] = "order.push_sub_order_cancellation"
    refund_key: str

    def business_key(self) -> str:
        return f"{self.sub_order_id}|{self.refund_key}|{self.attempt}"
