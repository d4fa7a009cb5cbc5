"""The order's coupon step on the in-memory twins: asked only when the merchant holds a usable
coupon, the answer stored once (charged net of the discount), the debit of the net amount, and
an answer for an order closed meanwhile giving the coupon back."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from juhe.outgoing import Outgoing
from schemas.commands import DebitWallet
from schemas.coupon import ApplyCoupon, CouponApplied, CouponLine, ReleaseCoupon
from schemas.events import OrderRouted, StockReserved
from tests.unit.order.world import World, order_key, place_order
from workers.order.handlers import coupons, intake, saga
from workers.order.handlers.intake import IntakeDeps
from workers.order.handlers.saga import SagaDeps
from workers.order.model import COUPON_APPLIED, COUPON_ASKED


class Holding:
    """Coupon queries saying the merchants listed hold a usable coupon; counts the reads."""

    def __init__(self, *merchants: str) -> None:
        self.merchants = set(merchants)
        self.asked = 0

    async def has_usable(self, merchant_id: str, at: datetime) -> bool:
        self.asked += 1
        return merchant_id in self.merchants


def deps_of(w: World, reader: Holding) -> SagaDeps:
    return replace(w.saga, coupons=reader)


async def reserve(w: World, reader: Holding, order_id: str, qty: int) -> tuple[str, list[Outgoing]]:
    """An order of m1 (qty units of A1 at 1000 fen) placed and reserved; what the reservation asked."""
    deps = deps_of(w, reader)
    key = order_key(order_id)
    await intake.place_order(
        place_order(order_id, ("A1", qty)), deps=IntakeDeps(deps, w.archive, w.intake.retention)
    )
    return key, await saga.on_stock_reserved(StockReserved(correlation_id=key, order_key=key), deps=deps)


def applied(key: str, coupon_id: str | None, discount: int, reason: str | None = None) -> CouponApplied:
    return CouponApplied(
        correlation_id=key,
        order_key=key,
        merchant_id="m1",
        coupon_id=coupon_id,
        discount=discount,
        reason=reason,
    )


async def test_a_merchant_without_coupons_costs_one_read_and_is_debited_in_full() -> None:
    w, reader = World(), Holding()
    key, [debit] = await reserve(w, reader, "N1", 1)
    assert isinstance(debit, DebitWallet)
    assert debit.amount == 1000
    assert (reader.asked, w.order(key).coupon_step) == (1, None)


async def test_a_merchant_holding_a_coupon_is_asked_about_after_the_reservation() -> None:
    w, reader = World(), Holding("m1")
    key, [ask] = await reserve(w, reader, "C1", 2)
    assert ask == ApplyCoupon(
        correlation_id=key,
        order_key=key,
        merchant_id="m1",
        tier="standard",
        lines=[CouponLine(sku="A1", cost=2000, supplier_id="sup_a")],
        occurred_at=ask.occurred_at,  # type: ignore[union-attr]
    )
    assert w.order(key).coupon_step == COUPON_ASKED


async def test_the_answer_is_stored_once_and_the_net_charge_is_debited() -> None:
    w, reader = World(), Holding("m1")
    key, _ = await reserve(w, reader, "C1", 2)
    [debit] = await coupons.on_coupon_applied(applied(key, "t:m1:1", 500), deps=deps_of(w, reader))
    [again] = await coupons.on_coupon_applied(applied(key, "t:m1:1", 500), deps=deps_of(w, reader))
    assert isinstance(debit, DebitWallet)
    assert isinstance(again, DebitWallet)
    assert (debit.amount, again.amount) == (1500, 1500)
    order = w.order(key)
    assert (order.discount, order.charged, order.coupon_id, order.coupon_step) == (
        500,
        1500,
        "t:m1:1",
        COUPON_APPLIED,
    )
    assert order.line_charges == [1500]
    assert [e.type for e in order.events].count("coupon_applied") == 1
    [routed] = [m for m in await w.debited(key) if isinstance(m, OrderRouted)]
    assert (routed.charged, routed.coupon_id) == (1500, "t:m1:1")


async def test_no_coupon_leaves_the_charge_whole_and_logs_why() -> None:
    w, reader = World(), Holding("m1")
    key, _ = await reserve(w, reader, "C1", 2)
    [debit] = await coupons.on_coupon_applied(
        applied(key, None, 0, "budget_exhausted"), deps=deps_of(w, reader)
    )
    assert isinstance(debit, DebitWallet)
    assert debit.amount == 2000
    order = w.order(key)
    assert (order.discount, order.charged, order.coupon_id) == (0, 2000, None)
    assert (order.events[-1].type, order.events[-1].data) == ("no_coupon", {"reason": "budget_exhausted"})


async def test_an_answer_for_an_order_closed_meanwhile_gives_the_coupon_back() -> None:
    w, reader = World(), Holding("m1")
    key, _ = await reserve(w, reader, "C1", 2)
    w.orders.orders[key] = w.order(key).model_copy(update={"status": "cancelled"})
    [release] = await coupons.on_coupon_applied(applied(key, "t:m1:1", 500), deps=deps_of(w, reader))
    assert release == ReleaseCoupon(correlation_id=key, order_key=key, occurred_at=release.occurred_at)  # type: ignore[union-attr]
    order = w.order(key)
    assert (order.discount, order.charged, order.coupon_step) == (0, 2000, COUPON_ASKED)
