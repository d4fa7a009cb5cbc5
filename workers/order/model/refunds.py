"""Refunds (售后): the request as it came, what it asked for, how each line is settled (cancelled
before shipment or returned). The money is kept on the order's refund ledger (`refunds_ledger`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from schemas.after_sale import RequestRefund
from schemas.common import StockLine
from workers.order.model.order import LogEntry


class RefundState(StrEnum):
    REQUESTED = "requested"
    #: Nothing claimed: the reason is on the refund and in the order's log.
    REFUSED = "refused"
    #: Some lines had shipped: their returns are open.
    RETURNING = "returning"
    #: Every line of it is credited, or closed by its return.
    REFUNDED = "refunded"
    #: Its returns were all rejected: nothing credited.
    REJECTED = "rejected"


class LineMode(StrEnum):
    CANCEL = "cancel"
    RETURN = "return"


class Units(BaseModel):
    """Units of one order line (its position in `Order.lines`)."""

    line: int
    sku: str
    qty: int


class RefundLine(Units):
    sub_order_id: str
    mode: LineMode | None = None


class Refund(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    key: str = Field(alias="_id")
    refund_id: str
    order_key: str
    merchant_id: str
    source: str
    reason: str
    #: As asked: None is the whole order.
    requested: list[StockLine] | None
    state: RefundState = RefundState.REQUESTED
    lines: list[RefundLine] = Field(default_factory=list)
    refusal: str | None = None
    history: list[LogEntry] = Field(default_factory=list)
    created_at: datetime
    list_key: str

    @classmethod
    def requested_by(cls, cmd: RequestRefund, at: datetime) -> Refund:
        fields = cmd.model_dump(include={"refund_id", "order_key", "merchant_id", "source", "reason"})
        return cls(
            key=cmd.refund_key,
            **fields,
            requested=cmd.lines,
            history=[LogEntry.of("requested", at, reason=cmd.reason)],
            created_at=at,
            list_key=f"{at.isoformat()}|{cmd.refund_key}",
        )
