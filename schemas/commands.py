"""Commands: imperative requests, each consumed by exactly one worker."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, StrictInt

from schemas.common import (
    Fen,
    Frozen,
    Instant,
    OrderLineIn,
    RawPayload,
    ShippingAddress,
    Sku,
    StockLevel,
    StockLine,
)
from schemas.envelope import Command


class PlaceOrder(Command):
    NAME: ClassVar[str] = "order.place"
    order_key: str
    platform: str
    shop_id: str
    platform_order_id: str
    merchant_id: str
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)
    shipping_address: ShippingAddress
    received_at: Instant
    #: The push this order came in, archived by the order worker and linked from the order.
    raw_payload: RawPayload | None = None
    #: The platform's own message id (douyin `msg_id`), remembered so a repeat is skipped.
    platform_message_id: str | None = None
    #: The coupon a manual order names (else the merchant's best eligible one is used).
    coupon_id: str | None = None


class ReserveStock(Command):
    NAME: ClassVar[str] = "inventory.reserve"
    order_key: str
    lines: list[StockLine]
    #: Sent on instead of `StockReserved` once every line is held: the order's payment, so the
    #: order hears of its reservation from the wallet's answer (one message less per order).
    #: None: answer `StockReserved` (the order has a step in between, e.g. a coupon to apply).
    then_debit: DebitWallet | None = None


class ReleaseStock(Command):
    NAME: ClassVar[str] = "inventory.release"
    order_key: str
    lines: list[StockLine]
    reason: str


class CommitStock(Command):
    NAME: ClassVar[str] = "inventory.commit"
    order_key: str
    sub_order_id: str
    lines: list[StockLine]

    def business_key(self) -> str:
        return self.sub_order_id


class SyncStockItem(Frozen):
    sku: Sku
    on_hand: StockLevel


class SyncStock(Command):
    NAME: ClassVar[str] = "inventory.sync"
    supplier_id: str
    sync_id: str
    items: list[SyncStockItem] = Field(min_length=1, max_length=10_000)

    def business_key(self) -> str:
        return self.sync_id


class DebitWallet(Command):
    NAME: ClassVar[str] = "wallet.debit"
    merchant_id: str
    order_key: str
    amount: Fen


class CreditWallet(Command):
    """Money into a wallet: a top-up, or a refund of an order's debit."""

    NAME: ClassVar[str] = "wallet.credit"
    merchant_id: str
    amount: Fen
    kind: Literal["top_up", "refund_credit", "adjustment"]
    reference: str

    def business_key(self) -> str:
        return f"{self.merchant_id}|{self.kind}|{self.reference}"


class ExpireFundsHold(Command):
    NAME: ClassVar[str] = "order.expire_funds_hold"
    order_key: str


class AcceptSubOrder(Command):
    NAME: ClassVar[str] = "order.accept_sub_order"
    sub_order_id: str
    supplier_id: str

    def business_key(self) -> str:
        return self.sub_order_id


class ShipSubOrder(Command):
    NAME: ClassVar[str] = "order.ship_sub_order"
    sub_order_id: str
    supplier_id: str
    carrier: str
    tracking_no: str

    def business_key(self) -> str:
        return f"{self.sub_order_id}|{self.carrier}|{self.tracking_no}"


class OutboundCommand(Command):
    """A command to send one signed HTTP request (juhe.outbound.send), retried with growing
    backoff; each retry is a new attempt number. Not a supplier's `accounts.Delivery` mode."""

    attempt: StrictInt = Field(default=1, ge=1)
    first_attempt_at: Instant | None = None


class OutboundDelivery(OutboundCommand):
    """A signed HTTP delivery about one sub-order."""

    order_key: str
    sub_order_id: str

    def business_key(self) -> str:
        return f"{self.sub_order_id}|{self.attempt}"


class DeliverShipment(OutboundDelivery):
    """Tell the platform shop that a sub-order shipped (signed callback, retried)."""

    NAME: ClassVar[str] = "order.deliver_shipment"


class PushSubOrder(OutboundDelivery):
    """Deliver a routed sub-order to a webhook supplier (signed push, retried)."""

    NAME: ClassVar[str] = "order.push_sub_order"


class RecordRefundRequest(Command):
    """Keep a platform's refund request (pending) until the refund saga processes it."""

    NAME: ClassVar[str] = "order.record_refund_request"
    refund_key: str
    platform: str
    shop_id: str
    merchant_id: str
    refund_id: str
    order_key: str
    reason: str
    #: None means the whole order.
    lines: list[StockLine] | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    received_at: Instant
    raw_payload: RawPayload | None = None
    platform_message_id: str | None = None

    def business_key(self) -> str:
        return self.refund_key


ReserveStock.model_rebuild()  # `then_debit` names a command defined below it
