"""Events: facts in the past tense, published on the topic exchange."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, StrictInt

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
    balance_after: StrictInt


class FundsInsufficient(Event):
    NAME: ClassVar[str] = "wallet.funds_insufficient"
    merchant_id: str
    order_key: str
    amount: Fen
    balance: StrictInt


class WalletCredited(Event):
    NAME: ClassVar[str] = "wallet.credited"
    merchant_id: str
    amount: Fen
    kind: str
    reference: str
    balance_after: StrictInt

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


class StockChanged(Event):
    """Available stock of these SKUs may have moved (reserve, release, commit or sync).

    Carries no counts: a subscriber reads the current figure when it acts, so a late or
    duplicated event can never push a stale number.
    """

    NAME: ClassVar[str] = "inventory.stock_changed"
    MUST_ROUTE: ClassVar[bool] = False
    skus: list[str] = Field(min_length=1)
    #: What moved it (reserve, release, commit:<sub-order>, sync): keeps message ids apart.
    cause: str = ""

    def business_key(self) -> str:
        return f"{self.correlation_id}|{self.cause}"


class ProductStatusChanged(Event):
    """A product moved in its life cycle (listed, delisted, deleted, restored, ...)."""

    NAME: ClassVar[str] = "catalog.product_status_changed"
    MUST_ROUTE: ClassVar[bool] = False
    product_id: str
    supplier_id: str
    status: str
    skus: list[str] = Field(default_factory=list)

    def business_key(self) -> str:
        return f"{self.product_id}|{self.status}|{self.occurred_at.isoformat()}"
