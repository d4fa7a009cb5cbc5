"""In-memory twin of the coupon repository, for unit tests: the same calls, each as atomic as
the store's single-document update, and the same unique keys."""

from __future__ import annotations

from datetime import datetime

from workers.coupon.model import Channel, Coupon, CouponStatus, Hold, IssueRefusal, Template

S = CouponStatus
_AVAILABLE: dict[str, object] = {"status": S.AVAILABLE, "order_key": None, "discount": 0}


def _same(a: Hold, b: Hold) -> bool:
    return (a.coupon_id, a.order_key) == (b.coupon_id, b.order_key)


class MemoryCoupons:
    def __init__(self) -> None:
        self.channels: dict[str, Channel] = {}
        self.templates: dict[str, Template] = {}
        self.coupons: dict[str, Coupon] = {}
        self.refusals: dict[str, IssueRefusal] = {}

    async def create_channel(self, channel: Channel) -> Channel:
        return self.channels.setdefault(channel.id, channel)

    async def channel(self, channel_id: str) -> Channel | None:
        return self.channels.get(channel_id)

    async def channel_holding(self, order_key: str) -> list[Channel]:
        return [
            c for c in self.channels.values() if any(h.order_key == order_key for h in [*c.holds, *c.returns])
        ]

    async def hold(self, channel_id: str, hold: Hold) -> bool:
        channel = self.channels[channel_id]
        if any(_same(h, hold) for h in channel.holds):
            return True
        if channel.remaining < hold.amount or any(h.coupon_id == hold.coupon_id for h in channel.holds):
            return False
        self._set(channel, remaining=channel.remaining - hold.amount, holds=[*channel.holds, hold])
        return True

    async def release_hold(self, channel_id: str, hold: Hold) -> bool:
        return self._move_hold(channel_id, hold, "remaining")

    async def spend_hold(self, channel_id: str, hold: Hold) -> bool:
        return self._move_hold(channel_id, hold, "spent")

    def _move_hold(self, channel_id: str, hold: Hold, into: str) -> bool:
        channel = self.channels[channel_id]
        if not any(_same(h, hold) for h in channel.holds):
            return False
        holds = [h for h in channel.holds if not _same(h, hold)]
        self._set(channel, holds=holds, **{into: getattr(channel, into) + hold.amount})
        return True

    async def start_return(self, channel_id: str, hold: Hold) -> bool:
        channel = self.channels[channel_id]
        if any(_same(h, hold) for h in channel.returns):
            return False
        self._set(
            channel,
            spent=channel.spent - hold.amount,
            remaining=channel.remaining + hold.amount,
            returns=[*channel.returns, hold],
        )
        return True

    async def end_return(self, channel_id: str, hold: Hold) -> None:
        channel = self.channels[channel_id]
        self._set(channel, returns=[h for h in channel.returns if not _same(h, hold)])

    def _set(self, channel: Channel, **fields: object) -> None:
        self.channels[channel.id] = channel.model_copy(update=fields)

    async def create_template(self, template: Template) -> Template:
        return self.templates.setdefault(template.id, template)

    async def template(self, template_id: str) -> Template | None:
        return self.templates.get(template_id)

    async def take_quantity(self, template_id: str) -> bool:
        template = self.templates.get(template_id)
        if template is None or template.issued >= template.quantity:
            return False
        self.templates[template_id] = template.model_copy(update={"issued": template.issued + 1})
        return True

    async def give_quantity(self, template_id: str) -> None:
        template = self.templates[template_id]
        self.templates[template_id] = template.model_copy(update={"issued": max(0, template.issued - 1)})

    async def set_published(self, template_id: str, published: bool) -> Template | None:
        template = self.templates.get(template_id)
        if template is not None:
            template = self.templates[template_id] = template.model_copy(update={"published": published})
        return template

    async def coupon(self, coupon_id: str) -> Coupon | None:
        return self.coupons.get(coupon_id)

    async def coupon_for(self, template_id: str, merchant_id: str, reference: str) -> Coupon | None:
        key = (template_id, merchant_id, reference)
        return next(
            (c for c in self.coupons.values() if (c.template_id, c.merchant_id, c.reference) == key), None
        )

    async def insert_coupon(self, coupon: Coupon) -> bool:
        if coupon.id in self.coupons or await self.coupon_for(
            coupon.template_id, coupon.merchant_id, coupon.reference
        ):
            return False
        self.coupons[coupon.id] = coupon
        return True

    async def drop_issuing(self, coupon_id: str, owner: str) -> None:
        if self._issuing_by(coupon_id, owner):
            del self.coupons[coupon_id]

    async def finish_issuing(self, coupon_id: str, owner: str) -> bool:
        if not self._issuing_by(coupon_id, owner):
            return False
        return self._move(coupon_id, None, S.ISSUING, {"status": S.AVAILABLE, "owner": None})

    async def take_over(self, coupon_id: str, owner: str, new_owner: str) -> bool:
        if not self._issuing_by(coupon_id, owner):
            return False
        return self._move(coupon_id, None, S.ISSUING, {"owner": new_owner})

    def _issuing_by(self, coupon_id: str, owner: str) -> bool:
        coupon = self.coupons.get(coupon_id)
        return coupon is not None and coupon.status == S.ISSUING and coupon.owner == owner

    async def usable_coupons(self, merchant_id: str, now: datetime) -> list[Coupon]:
        return [
            c
            for c in self.coupons.values()
            if c.merchant_id == merchant_id and c.status == S.AVAILABLE and c.valid_to > now
        ]

    async def coupon_of_order(self, order_key: str) -> Coupon | None:
        return next(
            (c for c in self.coupons.values() if c.order_key == order_key and c.status in (S.LOCKED, S.USED)),
            None,
        )

    async def lock(self, coupon_id: str, order_key: str, discount: int) -> bool:
        changed = {"status": S.LOCKED, "order_key": order_key, "discount": discount}
        return self._move(coupon_id, None, S.AVAILABLE, changed)

    async def redeem(self, coupon_id: str, order_key: str) -> bool:
        return self._move(coupon_id, order_key, S.LOCKED, {"status": S.USED})

    async def unlock(self, coupon_id: str, order_key: str) -> bool:
        return self._move(coupon_id, order_key, S.LOCKED, _AVAILABLE)

    async def unuse(self, coupon_id: str, order_key: str) -> bool:
        return self._move(coupon_id, order_key, S.USED, _AVAILABLE)

    def _move(self, coupon_id: str, order_key: str | None, status: S, changed: dict[str, object]) -> bool:
        """The conditional update: from `status` (and held by `order_key`, when given)."""
        coupon = self.coupons.get(coupon_id)
        if coupon is None or coupon.status != status or (order_key and coupon.order_key != order_key):
            return False
        self.coupons[coupon_id] = coupon.model_copy(update=changed)
        return True

    async def record_refusal(self, refusal: IssueRefusal) -> None:
        self.refusals.setdefault(refusal.id, refusal)
