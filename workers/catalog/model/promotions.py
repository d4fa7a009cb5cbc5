"""Holiday promotions: time-boxed promotional tier prices for some SKUs, one window per SKU."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.catalog import CreatePromotion, PromotionItem, PromotionStatus, PromotionView
from workers.catalog.model.base import Stored
from workers.catalog.model.skus import Sku


class PromotionWindow(BaseModel):
    """One SKU's claim on a half-open time span `[starts_at, ends_at)`, with the tiers it prices.

    Stored whole, so a redelivered claim adds the identical value.
    """

    model_config = ConfigDict(frozen=True)
    promotion_id: str
    starts_at: datetime
    ends_at: datetime
    tier_prices: dict[str, int]

    def holds(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at

    def overlaps(self, other: PromotionWindow) -> bool:
        """Another promotion's window sharing a moment with this one (adjacent ones do not)."""
        return (
            other.promotion_id != self.promotion_id
            and other.starts_at < self.ends_at
            and other.ends_at > self.starts_at
        )


class Promotion(Stored):
    id: str = Field(alias="_id")
    name: str
    starts_at: datetime
    ends_at: datetime
    items: list[PromotionItem]
    skus: list[str]
    #: `claiming` while its SKUs' windows are being added; `open` once all are.
    state: Literal["claiming", "open"]
    ended_at: datetime | None = None
    created_at: datetime
    list_key: str

    @classmethod
    def new(cls, cmd: CreatePromotion, now: datetime) -> Promotion:
        return cls(
            id=cmd.promotion_id,
            name=cmd.name,
            starts_at=cmd.starts_at,
            ends_at=cmd.ends_at,
            items=cmd.items,
            skus=[item.sku for item in cmd.items],
            state="claiming",
            created_at=now,
            list_key=f"{cmd.starts_at.isoformat()}|{cmd.promotion_id}",
        )

    @property
    def never_ran(self) -> bool:
        """Ended before it began: it never prices anything."""
        return self.ends_at <= self.starts_at

    def window(self, item: PromotionItem) -> PromotionWindow:
        return PromotionWindow(
            promotion_id=self.id, starts_at=self.starts_at, ends_at=self.ends_at, tier_prices=item.tier_prices
        )

    def status(self, now: datetime) -> PromotionStatus:
        if self.state == "claiming":
            return "pending"
        if now >= self.ends_at or self.never_ran:
            return "ended"
        return "scheduled" if now < self.starts_at else "active"

    def view(self, now: datetime) -> PromotionView:
        fields = self.model_dump(
            include={"id", "name", "starts_at", "ends_at", "ended_at", "items", "created_at"}
        )
        return PromotionView(**fields, status=self.status(now))

    def end_moment(self, at: datetime) -> datetime | None:
        """When an operator's end at `at` closes the window; None if it is already over."""
        if at >= self.ends_at:
            return None
        return max(at, self.starts_at)


def check_window(starts_at: datetime, ends_at: datetime) -> str | None:
    return None if ends_at > starts_at else "ends_at: must be after starts_at"


def check_items(items: list[PromotionItem], skus: Mapping[str, Sku]) -> str | None:
    """The first bad item as `items.<i>.<field>: why`, else None.

    A promotional price is only offered for a tier the SKU already sells to, so that a
    promotion never makes a SKU orderable for a tier the supplier did not price.
    """
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.sku in seen:
            return f"items.{i}.sku: {item.sku!r} appears twice"
        seen.add(item.sku)
        sku = skus.get(item.sku)
        if sku is None:
            return f"items.{i}.sku: no SKU {item.sku!r}"
        for tier in item.tier_prices:
            if tier not in sku.tier_prices:
                return f"items.{i}.tier_prices.{tier}: the SKU has no normal price for this tier"
    return None
