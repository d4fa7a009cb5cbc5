"""Returns (退货): shipped lines of a refund come back to their supplier before they are credited.

`requested → in_transit` (the buyer's return tracking, optional) `→ received | partially_received
→ refunded`, or `rejected` by the operator with a reason; the operator may also grant a refund
without the goods (`refund_only`: credit, no restock). Undamaged units received are restocked and
credited at once; damaged ones only once the operator approves.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from schemas.after_sale import ReceivedLine
from workers.order.model.fields import Omitted
from workers.order.model.order import LogEntry
from workers.order.model.refunds import Units


class ReturnState(StrEnum):
    REQUESTED = "requested"
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    PARTIALLY_RECEIVED = "partially_received"
    REFUNDED = "refunded"
    REJECTED = "rejected"


class ReturnAction(StrEnum):
    SHIP_BACK = "ship_back"
    RECEIVE = "receive"
    APPROVE_DAMAGED = "approve_damaged"
    #: Close a receipt with nothing damaged left to approve.
    SETTLE = "settle"
    REJECT = "reject"
    REFUND_ONLY = "refund_only"


R = ReturnState
_OPEN = frozenset({R.REQUESTED, R.IN_TRANSIT})
_RECEIVED = frozenset({R.RECEIVED, R.PARTIALLY_RECEIVED})
#: action -> statuses it may start from. Receiving leads to `received` or `partially_received`
#: (see `receipt_state`); the others to the one status of `RETURN_TARGETS`.
RETURN_MOVES: dict[ReturnAction, frozenset[ReturnState]] = {
    ReturnAction.SHIP_BACK: frozenset({R.REQUESTED}),
    ReturnAction.RECEIVE: _OPEN,
    ReturnAction.APPROVE_DAMAGED: _RECEIVED,
    ReturnAction.SETTLE: _RECEIVED,
    ReturnAction.REJECT: _OPEN,
    ReturnAction.REFUND_ONLY: _OPEN,
}
RETURN_TARGETS: dict[ReturnAction, ReturnState] = {
    ReturnAction.SHIP_BACK: R.IN_TRANSIT,
    ReturnAction.APPROVE_DAMAGED: R.REFUNDED,
    ReturnAction.SETTLE: R.REFUNDED,
    ReturnAction.REJECT: R.REJECTED,
    ReturnAction.REFUND_ONLY: R.REFUNDED,
}
TERMINAL = frozenset({R.REFUNDED, R.REJECTED})


def may_act(action: ReturnAction, state: ReturnState) -> bool:
    """Whether `action` may start now (the edge's early 409 and the handler ask the same)."""
    return state in RETURN_MOVES[action]


class ReturnLine(Units):
    received: int = 0
    damaged: int = 0

    @property
    def undamaged(self) -> int:
        return self.received - self.damaged


class ReturnTracking(BaseModel):
    carrier: str
    tracking_no: str
    at: datetime


class Return(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(alias="_id")
    refund_key: str
    order_key: str
    merchant_id: str
    sub_order_id: str
    supplier_id: str
    account_id: str | None = None
    state: ReturnState = ReturnState.REQUESTED
    reason: str
    lines: list[ReturnLine]
    tracking: Annotated[ReturnTracking | None, Omitted] = None
    #: The operator's reason to reject, or to refund without the goods.
    decision: Annotated[str | None, Omitted] = None
    received_at: Annotated[datetime | None, Omitted] = None
    history: list[LogEntry] = Field(default_factory=list)
    created_at: datetime
    list_key: str

    @property
    def damaged_units(self) -> list[Units]:
        return [Units(line=ln.line, sku=ln.sku, qty=ln.damaged) for ln in self.lines if ln.damaged]

    @property
    def undamaged_units(self) -> list[Units]:
        return [Units(line=ln.line, sku=ln.sku, qty=ln.undamaged) for ln in self.lines if ln.undamaged]

    @property
    def missing_units(self) -> list[Units]:
        """Units asked for that never came back: claimed no more, refundable again."""
        return [
            Units(line=ln.line, sku=ln.sku, qty=ln.qty - ln.received)
            for ln in self.lines
            if ln.qty > ln.received
        ]

    @property
    def all_units(self) -> list[Units]:
        return [Units(line=ln.line, sku=ln.sku, qty=ln.qty) for ln in self.lines]


def return_id(refund_key: str, sub_order_id: str) -> str:
    """Deterministic: a redelivered refund opens the same return."""
    return "rt_" + hashlib.sha256(f"{refund_key}|{sub_order_id}".encode()).hexdigest()[:24]


def receipt_refusal(ret: Return, received: list[ReceivedLine]) -> str | None:
    """Why a receipt cannot be taken as given (None: it can)."""
    asked = {ln.sku: ln.qty for ln in ret.lines}
    for got in received:
        if got.sku not in asked:
            return f"lines: {got.sku} is not in this return"
        if got.received > asked[got.sku]:
            return f"lines: {got.sku} received {got.received}, only {asked[got.sku]} were returned"
        if got.damaged > got.received:
            return f"lines: {got.sku} damaged {got.damaged} is more than received {got.received}"
    if len({got.sku for got in received}) != len(received):
        return "lines: a SKU is given twice"
    if not any(got.received for got in received):
        return "lines: nothing received (until something comes back, the return stays open)"
    return None


def received_lines(ret: Return, received: list[ReceivedLine]) -> list[ReturnLine]:
    """The return's lines with the receipt on them (a SKU left out: nothing of it came back).
    A SKU on several lines is received in line order."""
    got = {r.sku: [r.received, r.damaged] for r in received}
    lines = []
    for ln in ret.lines:
        left = got.get(ln.sku, [0, 0])
        take = min(ln.qty, left[0])
        damaged = min(take, left[1])
        left[0] -= take
        left[1] -= damaged
        lines.append(ln.model_copy(update={"received": take, "damaged": damaged}))
    return lines


def receipt_state(lines: list[ReturnLine]) -> ReturnState:
    complete = all(ln.received == ln.qty for ln in lines)
    return ReturnState.RECEIVED if complete else ReturnState.PARTIALLY_RECEIVED
