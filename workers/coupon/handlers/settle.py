"""After the lock: redeem when the order is paid (`OrderRouted`), give back — coupon and
budget — when it closes with nothing shipped (`OrderClosed`, or the order's `ReleaseCoupon`).

Every step is guarded by the coupon's own state and order (`locked` by this order, `used` by
this order), and the channel's moves are keyed by coupon and order (a hold, a return marker),
so a repeat changes nothing twice and a give-back racing a redeem cannot lose either update:
whichever moves the coupon first decides, and the other finds it moved.
"""

from __future__ import annotations

from schemas.coupon import ReleaseCoupon
from schemas.envelope import Message
from schemas.events import OrderClosed, OrderRouted
from workers.coupon.handlers.ports import CouponRepository
from workers.coupon.model import Coupon, CouponStatus, Hold

#: Re-reads when the coupon moved between the read and the conditional update.
MAX_ATTEMPTS = 5


def hold_of(coupon: Coupon) -> Hold:
    assert coupon.order_key is not None  # only locked or used coupons have a hold
    return Hold(coupon_id=coupon.id, order_key=coupon.order_key, amount=coupon.discount)


async def on_order_routed(evt: OrderRouted, *, repo: CouponRepository) -> list[Message]:
    """An order without a coupon costs no store command here."""
    if evt.coupon_id is not None:
        await redeem(evt.order_key, repo)
    return []


async def redeem(order_key: str, repo: CouponRepository) -> None:
    """locked -> used, then the hold becomes spent (a repeat finds the hold gone: no-op)."""
    coupon = await repo.coupon_of_order(order_key)
    if coupon is None:
        return
    if coupon.status == CouponStatus.LOCKED and not await repo.redeem(coupon.id, order_key):
        return  # given back meanwhile: the give-back released the hold
    await repo.spend_hold(coupon.channel_id, hold_of(coupon))


async def on_order_closed(evt: OrderClosed, *, repo: CouponRepository) -> list[Message]:
    await give_back(evt.order_key, repo)
    return []


async def release_coupon(cmd: ReleaseCoupon, *, repo: CouponRepository) -> list[Message]:
    await give_back(cmd.order_key, repo)
    return []


async def give_back(order_key: str, repo: CouponRepository) -> None:
    """The order's coupon back to available and its budget back to `remaining`."""
    for _ in range(MAX_ATTEMPTS):
        coupon = await repo.coupon_of_order(order_key)
        if coupon is None or await given_back(coupon, order_key, repo):
            break
    else:
        raise RuntimeError(f"coupon of {order_key}: too much contention, will be redelivered")
    await finish_leftovers(order_key, repo)


async def given_back(coupon: Coupon, order_key: str, repo: CouponRepository) -> bool:
    """False when the coupon moved under this attempt (read it again)."""
    hold = hold_of(coupon)
    if coupon.status == CouponStatus.LOCKED and await repo.unlock(coupon.id, order_key):
        await repo.release_hold(coupon.channel_id, hold)
        return True
    if coupon.status == CouponStatus.USED:
        # Spend the hold first if the redeem has not yet: the return un-spends it.
        await repo.spend_hold(coupon.channel_id, hold)
        await repo.start_return(coupon.channel_id, hold)
        if await repo.unuse(coupon.id, order_key):
            await repo.end_return(coupon.channel_id, hold)
            return True
    return False


async def finish_leftovers(order_key: str, repo: CouponRepository) -> None:
    """What an earlier attempt left in a channel once the coupon is no longer the order's: a
    hold whose coupon was never locked (a crash between the two), or an unfinished return."""
    for channel in await repo.channel_holding(order_key):
        for hold in channel.holds:
            if hold.order_key == order_key:
                await repo.release_hold(channel.id, hold)
        for returned in channel.returns:
            if returned.order_key == order_key:
                await repo.end_return(channel.id, returned)
