"""The ports the coupon handlers need: their storage (each call one atomic change or read of
one document), and the other areas' reads (accounts' and catalog's queries satisfy them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from workers.coupon.model import Channel, Coupon, Hold, IssueRefusal, Template


class ChannelStore(Protocol):
    async def create_channel(self, channel: Channel) -> Channel:
        """Insert once; an existing channel of that id comes back as stored."""
        ...

    async def channel(self, channel_id: str) -> Channel | None: ...
    async def channel_holding(self, order_key: str) -> list[Channel]:
        """Channels with a hold or a return of this order."""
        ...

    async def hold(self, channel_id: str, hold: Hold) -> bool:
        """Take the hold's amount out of `remaining` if that much remains and no other order
        holds this coupon; True also when this very hold is already there."""
        ...

    async def release_hold(self, channel_id: str, hold: Hold) -> bool:
        """Remove the hold, its amount back into `remaining`; False when it is not there."""
        ...

    async def spend_hold(self, channel_id: str, hold: Hold) -> bool:
        """Remove the hold, its amount into `spent`; False when it is not there."""
        ...

    async def start_return(self, channel_id: str, hold: Hold) -> bool:
        """Un-spend a used coupon's discount once (marked by the return); False if marked."""
        ...

    async def end_return(self, channel_id: str, hold: Hold) -> None: ...


class TemplateStore(Protocol):
    async def create_template(self, template: Template) -> Template:
        """Insert once; an existing template of that id comes back as stored."""
        ...

    async def template(self, template_id: str) -> Template | None: ...
    async def take_quantity(self, template_id: str) -> bool:
        """Count one more issued, only while fewer than `quantity` are."""
        ...

    async def give_quantity(self, template_id: str) -> None: ...
    async def set_published(self, template_id: str, published: bool) -> Template | None: ...


class CouponStore(Protocol):
    async def coupon(self, coupon_id: str) -> Coupon | None: ...
    async def coupon_for(self, template_id: str, merchant_id: str, reference: str) -> Coupon | None: ...
    async def insert_coupon(self, coupon: Coupon) -> bool:
        """False when its slot (id), or its template, merchant and reference, are taken."""
        ...

    async def drop_issuing(self, coupon_id: str, owner: str) -> None:
        """Delete it while still `issuing` by this owner (its template sold out)."""
        ...

    async def finish_issuing(self, coupon_id: str, owner: str) -> bool:
        """`issuing` by this owner -> available; False when another attempt took it over."""
        ...

    async def take_over(self, coupon_id: str, owner: str, new_owner: str) -> bool:
        """An `issuing` coupon of an attempt that seems gone passes to `new_owner`."""
        ...

    async def usable_coupons(self, merchant_id: str, now: datetime) -> list[Coupon]: ...
    async def coupon_of_order(self, order_key: str) -> Coupon | None:
        """The coupon locked or used by this order."""
        ...

    async def lock(self, coupon_id: str, order_key: str, discount: int) -> bool:
        """available -> locked by the order, with its discount."""
        ...

    async def redeem(self, coupon_id: str, order_key: str) -> bool:
        """locked by the order -> used."""
        ...

    async def unlock(self, coupon_id: str, order_key: str) -> bool:
        """locked by the order -> available."""
        ...

    async def unuse(self, coupon_id: str, order_key: str) -> bool:
        """used by the order -> available."""
        ...

    async def record_refusal(self, refusal: IssueRefusal) -> None:
        """Keep it once (by id)."""
        ...


class CouponRepository(ChannelStore, TemplateStore, CouponStore, Protocol):
    """Everything the coupon area stores."""


class CategoryReader(Protocol):
    """Catalog's `CatalogQueries`: each SKU's categories (id and name)."""

    async def sku_categories(self, skus: list[str]) -> Mapping[str, frozenset[str]]: ...


class MerchantDirectory(Protocol):
    """Accounts' `AccountsQueries`: the merchants of a tier, a page at a time."""

    async def merchant_ids_of_tier(self, tier: str, after: str | None, limit: int) -> list[str]: ...
