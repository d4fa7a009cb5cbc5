"""Whether a merchant holds a usable coupon is kept for the reference cache's bound, per merchant."""

from __future__ import annotations

from datetime import datetime

from schemas.envelope import utcnow
from workers.coupon.queries.cached import CachedCoupons, CouponHolders


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


class Holders:
    """The coupons collection as the check sees it: which merchants hold one, and who asked."""

    def __init__(self, *merchants: str) -> None:
        self.merchants = set(merchants)
        self.asked: list[str] = []

    async def has_usable(self, merchant_id: str, at: datetime) -> bool:
        self.asked.append(merchant_id)
        return merchant_id in self.merchants


async def test_a_no_is_kept_for_the_bound_then_a_new_coupon_is_seen() -> None:
    clock, store = Clock(), Holders("m2")
    coupons = CachedCoupons(store, CouponHolders(5, clock))
    assert [await coupons.has_usable(m, utcnow()) for m in ("m1", "m2", "m1", "m2")] == [
        False,
        True,
        False,
        True,
    ]
    assert store.asked == ["m1", "m2"]
    store.merchants.add("m1")  # a coupon issued to m1
    clock.now += 4.9
    assert await coupons.has_usable("m1", utcnow()) is False
    clock.now += 0.1
    assert await coupons.has_usable("m1", utcnow()) is True
    assert store.asked == ["m1", "m2", "m1"]


async def test_with_zero_every_order_asks_the_store() -> None:
    store = Holders()
    coupons = CachedCoupons(store, CouponHolders(0, Clock()))
    assert [await coupons.has_usable("m1", utcnow()) for _ in range(3)] == [False, False, False]
    assert store.asked == ["m1", "m1", "m1"]
