"""Replacement orders (补单): the commands that open and route one, and the fact that one opened."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from schemas.common import Fen, StockLine
from schemas.envelope import Command, Event

#: Why a shipped order needs a replacement.
ReshipReason = Literal["missing_item", "damaged", "lost", "wrong_item"]
#: Who opened it: the operator may pick another account and charge it; the merchant may not.
RequestedBy = Literal["operator", "merchant"]
#: Chosen by the client; the same id on the same order is the same reship.
ReshipId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")]


class OpenReship(Command):
    """Open a reship of some shipped lines of `order_key`; idempotent on (order, reship id)."""

    NAME: ClassVar[str] = "order.open_reship"
    order_key: str
    reship_id: ReshipId
    merchant_id: str
    reason: ReshipReason
    lines: list[StockLine] = Field(min_length=1, max_length=200)
    requested_by: RequestedBy
    #: Debit the merchant the reshipped lines' cost (operator only); otherwise nothing is charged.
    charge: bool = False
    #: Send it to this account of the lines' supplier (operator only) instead of the original's.
    account_id: str | None = None

    def business_key(self) -> str:
        return f"{self.order_key}|{self.reship_id}"


class RouteReship(Command):
    """Route a reserved reship that is charged nothing: the saga's route step without a debit."""

    NAME: ClassVar[str] = "order.route_reship"
    order_key: str


class ReshipOpened(Event):
    """Broadcast: a replacement order was stored and enters the saga (settlement, sales)."""

    NAME: ClassVar[str] = "order.reship_opened"
    MUST_ROUTE: ClassVar[bool] = False
    reship_key: str
    order_key: str
    merchant_id: str
    reason: ReshipReason
    lines: list[StockLine]
    #: What the merchant is debited for it: 0 unless the operator charged it.
    charged: Fen = 0

    def business_key(self) -> str:
        return self.reship_key
