"""Events: facts in the past tense, published on the topic exchange."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from schemas.common import Fen
from schemas.envelope import Event


class StockReserved(Event):
    NAME: ClassVar[str] = "stock.reserved"
    order_key: str


class StockRejected(Event):
    NAME: ClassVar[str] = "stock.rejected"
    order_key: str
    reason: str
    sku: str | None = None


class WalletDebited(Event):
    NAME: ClassVar[str] = "wallet.debited"
    merchant_id: str
    order_key: str
    amount: Fen
    balance_after: int


class FundsInsufficient(Event):
    NAME: ClassVar[str] = "wallet.funds_insufficient"
    merchant_id: str
    order_key: str
    amount: Fen
    balance: int


class WalletCredited(Event):
    NAME: ClassVar[str] = "wallet.credited"
    merchant_id: str
    amount: Fen
    kind: str
    reference: str
    balance_after: int

    def business_key(self) -> str:
        return f"{self.merchant_id}|{self.kind}|{self.reference}"


class OrderRouted(Event):
    """Broadcast for read models (sales): the order is paid and split by supplier."""

    NAME: ClassVar[str] = "order.routed"
    MUST_ROUTE: ClassVar[bool] = False
    order_key: str
    merchant_id: str
    sub_order_ids: list[str] = Field(default_factory=list)
    charged: Fen = 0


class OrderShipped(Event):
    NAME: ClassVar[str] = "order.shipped"
    MUST_ROUTE: ClassVar[bool] = False
    order_key: str
