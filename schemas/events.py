"""Events: facts in the past tense, published on the topic exchange."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from schemas.common import Fen, Frozen, Sku
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


class SoldLine(BaseModel):
    """An order line as its sales count it; charge and discount by the order's own rules."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sku: str
    qty: int
    unit_price: int
    supplier_id: str
    #: What the merchant was charged for the line: its cost less its share of the discount.
    charge: int
    #: Its share of the order's discount.
    discount: int
    #: The product's category when the order was priced; None if the line does not know it.
    category: str | None = None


class Sale(BaseModel):
    """What an order's sales facts need of it, so its sale is counted without reading it."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    platform: str
    shop_id: str
    #: When the platform sold it.
    received_at: datetime
    #: A replacement order (补单).
    reship: bool = False
    lines: list[SoldLine]


class OrderRouted(Event):
    """Broadcast for read models (sales): the order is paid and split by supplier."""

    NAME: ClassVar[str] = "order.routed"
    MUST_ROUTE: ClassVar[bool] = False
    order_key: str
    merchant_id: str
    sub_order_ids: list[str] = Field(default_factory=list)
    charged: Fen = 0
    #: The coupon the order used, redeemed on this event; None: no coupon to redeem.
    coupon_id: str | None = None
    #: The sale as sales counts it; None on events published before routing carried it.
    sale: Sale | None = None


class OrderShipped(Event):
    NAME: ClassVar[str] = "order.shipped"
    MUST_ROUTE: ClassVar[bool] = False
    order_key: str


class SkuSelected(Event):
    """A shop lists the SKU: inventory announces its stock changes from now on (`StockChanged`).

    Stock changes of a SKU no shop lists are not announced, so each order's reservation costs
    no message and no read of the selections for it."""

    NAME: ClassVar[str] = "selection.sku_selected"
    MUST_ROUTE: ClassVar[bool] = True
    sku: str

    def business_key(self) -> str:
        return f"{self.correlation_id}|{self.sku}"


class StockChanged(Event):
    """Available stock of these SKUs may have moved (reserve, release, commit or sync).

    Carries no counts: a subscriber reads the current figure when it acts, so a late or
    duplicated event can never push a stale number.
    """

    NAME: ClassVar[str] = "inventory.stock_changed"
    MUST_ROUTE: ClassVar[bool] = False
    skus: list[str] = Field(min_length=1)
    #: What moved it (reserve, release, commit:<sub-order>, sync, selected:<sku>): keeps message ids apart.
    cause: str = ""
    #: The SKUs whose stock record this change created (a supplier's first count of them).
    created: list[str] = Field(default_factory=list)

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


class SubOrderShipped(Event):
    """One supplier's part of an order left the warehouse: its payable accrues, sales count it."""

    NAME: ClassVar[str] = "order.sub_order_shipped"
    MUST_ROUTE: ClassVar[bool] = False
    order_key: str
    sub_order_id: str
    supplier_id: str
    merchant_id: str

    def business_key(self) -> str:
        return self.sub_order_id


class OrderClosed(Event):
    """The order ended with nothing shipped: refused stock, its funds hold expired, or it was
    cancelled in full before shipment. What it held besides stock and money (a coupon) goes back."""

    NAME: ClassVar[str] = "order.closed"
    MUST_ROUTE: ClassVar[bool] = False
    order_key: str
    merchant_id: str
    status: str
    reason: str | None = None


class RefundedLine(Frozen):
    #: The line's position in the order's `lines`.
    line: Annotated[StrictInt, Field(ge=0)]
    sku: Sku
    #: Units this credit is for (0 when it pays for no units, e.g. a damaged unit's late approval
    #: is counted by the credit that approves it).
    qty: Annotated[StrictInt, Field(ge=0)]
    amount: Fen


class OrderRefunded(Event):
    """Money went back to the merchant for an order: one credit of one refund, by line."""

    NAME: ClassVar[str] = "order.refunded"
    MUST_ROUTE: ClassVar[bool] = False
    order_key: str
    merchant_id: str
    refund_id: str
    #: One refund may credit more than once (undamaged units on receipt, damaged ones on approval).
    credit_id: str
    #: cancel: lines cancelled before shipment; return: goods came back; refund_only: no return.
    kind: Literal["cancel", "return", "refund_only"]
    lines: list[RefundedLine] = Field(min_length=1)
    amount: Fen

    def business_key(self) -> str:
        return self.credit_id


class ReturnedLine(Frozen):
    line: Annotated[StrictInt, Field(ge=0)]
    sku: Sku
    received: Annotated[StrictInt, Field(ge=0)]
    damaged: Annotated[StrictInt, Field(ge=0)]


class ReturnReceived(Event):
    """The supplier confirmed what came back of a return: settlement reverses those lines."""

    NAME: ClassVar[str] = "order.return_received"
    MUST_ROUTE: ClassVar[bool] = False
    return_id: str
    order_key: str
    sub_order_id: str
    supplier_id: str
    lines: list[ReturnedLine] = Field(min_length=1)

    def business_key(self) -> str:
        return self.return_id
