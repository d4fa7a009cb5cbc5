"""The coupon step of the order saga: lock the merchant's best eligible coupon for the order.

The budget decides first: a coupon is taken for an order by holding its discount in the
channel (`remaining` must cover it, and no other order may hold that coupon), then the coupon
moves available -> locked with the same order. Both are conditional single-document updates,
so of 50 orders racing for one coupon exactly one holds it; the others go on to their next
candidate. A lock that loses the coupon after holding gives the hold back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from schemas.coupon import ApplyCoupon, CouponApplied
from schemas.envelope import utcnow
from workers.coupon.handlers.ports import CategoryReader, CouponRepository
from workers.coupon.model import (
    BUDGET_EXHAUSTED,
    NO_ELIGIBLE_COUPON,
    NOT_ELIGIBLE,
    Candidate,
    Coupon,
    Hold,
    OrderFacts,
    ranked,
)


@dataclass(frozen=True)
class ApplyDeps:
    repo: CouponRepository
    catalog: CategoryReader


async def apply_coupon(cmd: ApplyCoupon, *, deps: ApplyDeps) -> list[CouponApplied]:
    """Answer the coupon locked for the order (the same one on a repeat), or none with why."""
    repo = deps.repo
    if (held := await repo.coupon_of_order(cmd.order_key)) is not None:
        return [answer(cmd, held.id, held.discount)]
    if (resumed := await resume_hold(cmd.order_key, repo)) is not None:
        return [answer(cmd, resumed.coupon_id, resumed.amount)]
    now = utcnow()
    coupons = await offered(cmd, repo, now)
    facts = await order_facts(cmd, coupons, deps.catalog)
    candidates = ranked(coupons, facts, now)
    if not candidates:
        return [answer(cmd, reason=NOT_ELIGIBLE if cmd.coupon_id else NO_ELIGIBLE_COUPON)]
    reason = NO_ELIGIBLE_COUPON
    for candidate in candidates:
        if await lock(cmd.order_key, candidate, repo):
            return [answer(cmd, candidate.coupon.id, candidate.discount)]
        reason = await why_not(candidate, repo) or reason
    return [answer(cmd, reason=reason)]


async def resume_hold(order_key: str, repo: CouponRepository) -> Hold | None:
    """A hold an earlier attempt made before it could lock its coupon: lock it now, or give
    it back (so a crash in between neither leaks budget nor blocks the coupon)."""
    for channel in await repo.channel_holding(order_key):
        for hold in channel.holds:
            if hold.order_key != order_key:
                continue
            if await repo.lock(hold.coupon_id, order_key, hold.amount):
                return hold
            await repo.release_hold(channel.id, hold)
    return None


async def offered(cmd: ApplyCoupon, repo: CouponRepository, now: datetime) -> list[Coupon]:
    """The named coupon when the order names one (if it is the merchant's), else all usable."""
    if cmd.coupon_id is None:
        return await repo.usable_coupons(cmd.merchant_id, now)
    named = await repo.coupon(cmd.coupon_id)
    return [named] if named is not None and named.merchant_id == cmd.merchant_id else []


async def order_facts(cmd: ApplyCoupon, coupons: list[Coupon], catalog: CategoryReader) -> OrderFacts:
    """Categories are read only when a coupon is limited to some."""
    needs_categories = any(c.terms.categories for c in coupons)
    skus = sorted({line.sku for line in cmd.lines})
    categories = await catalog.sku_categories(skus) if needs_categories else {}
    return OrderFacts(tier=cmd.tier, lines=tuple(cmd.lines), categories=categories)


async def lock(order_key: str, candidate: Candidate, repo: CouponRepository) -> bool:
    coupon = candidate.coupon
    hold = Hold(coupon_id=coupon.id, order_key=order_key, amount=candidate.discount)
    if not await repo.hold(coupon.channel_id, hold):
        return False
    if await repo.lock(coupon.id, order_key, candidate.discount):
        return True
    await repo.release_hold(coupon.channel_id, hold)  # another order took the coupon meanwhile
    return False


async def why_not(candidate: Candidate, repo: CouponRepository) -> str | None:
    channel = await repo.channel(candidate.coupon.channel_id)
    if channel is not None and channel.remaining < candidate.discount:
        return BUDGET_EXHAUSTED
    return None


def answer(
    cmd: ApplyCoupon, coupon_id: str | None = None, discount: int = 0, reason: str | None = None
) -> CouponApplied:
    return CouponApplied(
        correlation_id=cmd.order_key,
        order_key=cmd.order_key,
        merchant_id=cmd.merchant_id,
        coupon_id=coupon_id,
        discount=discount,
        reason=reason,
    )
