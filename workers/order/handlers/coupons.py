"""The coupon step's answer: store the discount once, then debit the net charge.

The coupon worker locked the coupon (or found none) and says so in `CouponApplied`; the order
takes it with a conditional update (reserved and still asking), so `charged = total_cost -
discount` is set once. An answer for an order that closed meanwhile gives the coupon back.
"""

from __future__ import annotations

from juhe.outgoing import Outgoing
from schemas.coupon import CouponApplied, ReleaseCoupon
from schemas.envelope import utcnow
from workers.order.handlers.saga import SagaDeps, follow_ups
from workers.order.model import CLOSED_UNPAID, LogEntry


async def on_coupon_applied(evt: CouponApplied, *, deps: SagaDeps) -> list[Outgoing]:
    if evt.coupon_id is not None:
        entry = LogEntry.of("coupon_applied", utcnow(), coupon_id=evt.coupon_id, discount=evt.discount)
    else:
        entry = LogEntry.of("no_coupon", utcnow(), reason=evt.reason)
    order = await deps.orders.apply_coupon(evt.order_key, evt.coupon_id, evt.discount, entry)
    if order is None:
        return []
    if order.status in CLOSED_UNPAID and evt.coupon_id is not None:
        key = order.key
        return [ReleaseCoupon(correlation_id=key, order_key=key)]
    return follow_ups(order)
