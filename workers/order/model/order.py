"""The order aggregate: its statuses and the steps between them, and its change log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from schemas.commands import PlaceOrder
from schemas.common import ShippingAddress
from workers.order.model.fields import Omitted
from workers.order.model.pricing import OrderLine, Pricing, net_charges
from workers.order.model.reship_links import ReshipClaim, ReshipOf


class OrderStatus(StrEnum):
    RECEIVED = "received"
    RESERVED = "reserved"
    PAID = "paid"
    ROUTED = "routed"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    REJECTED = "rejected"
    AWAITING_FUNDS = "awaiting_funds"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


#: The coupon step (`Order.coupon_step`): asked of the coupon worker, then its answer applied.
COUPON_ASKED = "asked"
COUPON_APPLIED = "applied"

#: Statuses in which the order holds no stock and must not be charged.
CLOSED_UNPAID = frozenset({OrderStatus.REJECTED, OrderStatus.CANCELLED})


class OrderStep(StrEnum):
    RESERVE = "reserve"
    REFUSE_STOCK = "refuse_stock"
    AWAIT_FUNDS = "await_funds"
    ROUTE = "route"
    EXPIRE_FUNDS_HOLD = "expire_funds_hold"
    SHIP = "ship"
    #: Every sub-order delivered (logistics tracking).
    COMPLETE = "complete"
    REFUND_PART = "refund_part"
    REFUND_ALL = "refund_all"
    CANCEL_ALL = "cancel_all"


S = OrderStatus
#: step -> (statuses it may start from, status it leads to). A step applied to an order in any
#: other status changes nothing, which is what makes every handler safe to run twice.
ORDER_STEPS: dict[OrderStep, tuple[frozenset[OrderStatus], OrderStatus]] = {
    OrderStep.RESERVE: (frozenset({S.RECEIVED}), S.RESERVED),
    OrderStep.REFUSE_STOCK: (frozenset({S.RECEIVED}), S.REJECTED),
    # From received too: a reservation that carried the debit on is answered by the wallet.
    OrderStep.AWAIT_FUNDS: (frozenset({S.RECEIVED, S.RESERVED}), S.AWAITING_FUNDS),
    OrderStep.ROUTE: (frozenset({S.RECEIVED, S.RESERVED, S.AWAITING_FUNDS}), S.ROUTED),
    OrderStep.EXPIRE_FUNDS_HOLD: (frozenset({S.AWAITING_FUNDS}), S.REJECTED),
    OrderStep.SHIP: (frozenset({S.ROUTED}), S.SHIPPED),
    OrderStep.COMPLETE: (frozenset({S.SHIPPED}), S.COMPLETED),
    # After-sale: a credit of part of the order, of all of it, or all of it before shipment.
    OrderStep.REFUND_PART: (frozenset({S.ROUTED, S.SHIPPED, S.COMPLETED}), S.PARTIALLY_REFUNDED),
    OrderStep.REFUND_ALL: (
        frozenset({S.ROUTED, S.SHIPPED, S.COMPLETED, S.PARTIALLY_REFUNDED}),
        S.REFUNDED,
    ),
    OrderStep.CANCEL_ALL: (frozenset({S.ROUTED, S.PARTIALLY_REFUNDED}), S.CANCELLED),
}
#: Statuses in which an order's charge may be refunded.
REFUNDABLE = frozenset({S.ROUTED, S.SHIPPED, S.COMPLETED, S.PARTIALLY_REFUNDED})


def may_apply(step: OrderStep, status: OrderStatus) -> bool:
    """Whether a message for `step` still has work to do: the order is where the step starts,
    or already where it leads (a repeat then re-derives the step's follow-ups)."""
    sources, target = ORDER_STEPS[step]
    return status in sources or status == target


#: What a change-log entry may carry: counts, ids, reasons, amounts, times.
LogValue = str | int | datetime | list[str] | None


class LogEntry(BaseModel):
    type: str
    at: datetime
    data: dict[str, LogValue] = Field(default_factory=dict)

    @classmethod
    def of(cls, kind: str, at: datetime, **data: LogValue) -> LogEntry:
        return cls(type=kind, at=at, data=data)


class OrderChange(BaseModel):
    """What a step sets on the order besides its status; None leaves a field as it is."""

    reason: str | None = None
    awaiting_since: datetime | None = None
    routed_at: datetime | None = None
    awaiting_shipment: list[str] | None = None
    shipped_at: datetime | None = None


class Order(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    key: str = Field(alias="_id")
    platform: str
    shop_id: str
    platform_order_id: str
    merchant_id: str
    status: OrderStatus
    reason: str | None = None
    lines: list[OrderLine]
    total_cost: int
    discount: int = 0
    charged: int
    shipping_address: ShippingAddress
    events: list[LogEntry]
    received_at: datetime
    list_key: str
    #: The merchant's tier when the order came in: routing rules by tier use it.
    tier: str = ""
    payload_ids: list[str] = Field(default_factory=list)
    awaiting_since: Annotated[datetime | None, Omitted] = None
    routed_at: Annotated[datetime | None, Omitted] = None
    shipped_at: Annotated[datetime | None, Omitted] = None
    #: Saga state, not a copy of the sub-orders: those whose shipment the order still awaits.
    awaiting_shipment: list[str] = Field(default_factory=list)
    #: A replacement order (补单): the order it replaces (see `model.reships`).
    reship: Annotated[ReshipOf | None, Omitted] = None
    #: The replacement orders opened for this one, with the shipped units each claims.
    reships: list[ReshipClaim] = Field(default_factory=list)
    #: The coupon the order used (its discount is `discount`); the one a manual order named
    #: until the coupon step answers.
    coupon_id: Annotated[str | None, Omitted] = None
    #: None: no coupon to look for (the debit follows the reservation); else COUPON_ASKED/APPLIED.
    coupon_step: Annotated[str | None, Omitted] = None

    @classmethod
    def received(
        cls, cmd: PlaceOrder, pricing: Pricing, tier: str, payload_ids: list[str], at: datetime
    ) -> Order:
        """The order as it comes in: priced, or rejected at once naming the SKU that failed."""
        events = [LogEntry.of("received", at, lines=len(cmd.lines))]
        if pricing.rejection:
            events.append(LogEntry.of("rejected", at, reason=pricing.rejection, sku=pricing.bad_sku))
        return cls(
            key=cmd.order_key,
            platform=cmd.platform,
            shop_id=cmd.shop_id,
            platform_order_id=cmd.platform_order_id,
            merchant_id=cmd.merchant_id,
            status=S.REJECTED if pricing.rejection else S.RECEIVED,
            reason=pricing.rejection,
            lines=pricing.lines or [OrderLine.unpriced(line) for line in cmd.lines],
            total_cost=pricing.total_cost,
            charged=pricing.total_cost,
            shipping_address=cmd.shipping_address,
            events=events,
            received_at=cmd.received_at,
            list_key=f"{cmd.received_at.isoformat()}|{cmd.order_key}",
            tier=tier,
            payload_ids=payload_ids,
        )

    @property
    def waited_for_funds(self) -> bool:
        """Waiting now, or it did: its payment may let the merchant's next waiting order go."""
        return self.status == S.AWAITING_FUNDS or any(e.type == "awaiting_funds" for e in self.events)

    @property
    def line_charges(self) -> list[int]:
        """What the merchant paid for each line: its cost less its share of the discount. Fixed
        once the order is charged (cost and discount no longer change); refunds credit these."""
        return net_charges([line.cost for line in self.lines], self.discount)

    @property
    def supplier_ids(self) -> list[str]:
        return sorted({line.supplier_id for line in self.lines if line.supplier_id})
