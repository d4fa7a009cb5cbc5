"""Order's typed aggregates and their rules: pricing, steps of the saga, sub-order moves, routing.

Stored documents map onto these models (`_id` by alias); no code outside the repository and
the queries reads a raw document.
"""

from workers.order.model.archive import (
    ArchivedPayload,
    PlatformMessage,
    RefundRequest,
    RefundStatus,
    message_key,
)
from workers.order.model.fields import Omitted
from workers.order.model.order import (
    CLOSED_UNPAID,
    COUPON_APPLIED,
    COUPON_ASKED,
    ORDER_STEPS,
    REFUNDABLE,
    LogEntry,
    LogValue,
    Order,
    OrderChange,
    OrderStatus,
    OrderStep,
    may_apply,
)
from workers.order.model.pricing import Offer, OrderLine, Pricing, discount_shares, price_lines
from workers.order.model.sale import sale_of
from workers.order.model.sub_order import (
    SUB_ORDER_MOVES,
    Cancellation,
    Push,
    PushStatus,
    Shipment,
    SubOrder,
    SubOrderAction,
    SubOrderStatus,
    choose_account,
    covers_lines_once,
    lines_after,
    may_request,
    split_by_supplier,
    sub_order_id,
)

__all__ = [
    "CLOSED_UNPAID",
    "COUPON_APPLIED",
    "COUPON_ASKED",
    "ORDER_STEPS",
    "REFUNDABLE",
    "SUB_ORDER_MOVES",
    "ArchivedPayload",
    "Cancellation",
    "LogEntry",
    "LogValue",
    "Offer",
    "Omitted",
    "Order",
    "OrderChange",
    "OrderLine",
    "OrderStatus",
    "OrderStep",
    "PlatformMessage",
    "Pricing",
    "Push",
    "PushStatus",
    "RefundRequest",
    "RefundStatus",
    "Shipment",
    "SubOrder",
    "SubOrderAction",
    "SubOrderStatus",
    "choose_account",
    "covers_lines_once",
    "discount_shares",
    "lines_after",
    "may_apply",
    "may_request",
    "message_key",
    "price_lines",
    "sale_of",
    "split_by_supplier",
    "sub_order_id",
]
