"""Roll-up buckets: a dimension (or a pair, for the merchants' and suppliers' own slices) in an
hour or a day. A bucket's identity is a function of the fact alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from workers.sales.model.figures import Figures


class Granularity(StrEnum):
    HOUR = "hour"
    DAY = "day"


#: What a fact may be keyed by.
ATTRIBUTES: tuple[str, ...] = ("merchant", "supplier", "platform", "shop", "sku", "category")

#: dimension -> the fact attributes that identify its bucket. Merchant, platform and supplier
#: totals are sums of these (an order has one shop, hence one merchant and one platform), so
#: they cost no write of their own; the pairs give a merchant or a supplier its own slice (a
#: merchant's SKUs, a supplier's merchants and platforms) without reading facts.
DIM_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "supplier"),
    "shop": ("platform", "shop", "merchant"),
    "category": ("category",),
    "merchant_sku": ("merchant", "sku", "supplier"),
    "merchant_supplier": ("merchant", "supplier"),
    "supplier_platform": ("supplier", "platform"),
}
DIMS: tuple[str, ...] = tuple(DIM_ATTRIBUTES)


class Keyed(Protocol):
    @property
    def merchant(self) -> str: ...
    @property
    def supplier(self) -> str: ...
    @property
    def platform(self) -> str: ...
    @property
    def shop(self) -> str: ...
    @property
    def sku(self) -> str: ...
    @property
    def category(self) -> str: ...


def identity(dim: str, fact: Keyed) -> tuple[str | None, ...]:
    """The fact's attributes that make its bucket in `dim`; the others are None."""
    named = DIM_ATTRIBUTES[dim]
    return tuple(getattr(fact, a) if a in named else None for a in ATTRIBUTES)


def period_of(at: datetime, granularity: Granularity) -> datetime:
    hour = at.replace(minute=0, second=0, microsecond=0)
    return hour if granularity is Granularity.HOUR else hour - timedelta(hours=hour.hour)


class Bucket(BaseModel):
    """One roll-up: the sum of the figures of every fact that falls in it, and the last roll-up
    batch that added to it (which makes each batch add to it at most once)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(alias="_id")
    granularity: Granularity
    period: datetime
    dim: str
    merchant: str | None = None
    supplier: str | None = None
    platform: str | None = None
    shop: str | None = None
    sku: str | None = None
    category: str | None = None
    figures: Figures = Figures()
    batch: int = 0

    @classmethod
    def of(cls, dim: str, fact: Keyed, at: datetime, granularity: Granularity) -> Bucket:
        period = period_of(at, granularity)
        key = identity(dim, fact)
        parts = [granularity.value, period.strftime("%Y%m%dT%H"), dim, *(v for v in key if v is not None)]
        return cls(
            id="|".join(parts),
            granularity=granularity,
            period=period,
            dim=dim,
            **dict(zip(ATTRIBUTES, key, strict=True)),
        )

    def plus(self, figures: Figures) -> Bucket:
        return self.model_copy(update={"figures": self.figures + figures})
