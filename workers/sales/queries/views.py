"""What the sales read side answers, and which roll-up serves whom: each (caller's slice,
grouping) reads one dimension, filtered to the slice, and shows one of its attributes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from workers.sales.model import FIGURES, Figures, Granularity

Doc = dict[str, Any]
#: Shown instead of an attribute: the bucket's hour or day.
PERIOD = "period"


class GroupBy(StrEnum):
    SKU = "sku"
    MERCHANT = "merchant"
    SUPPLIER = "supplier"
    PLATFORM = "platform"
    SHOP = "shop"
    CATEGORY = "category"
    DAY = "day"
    HOUR = "hour"


class Metric(StrEnum):
    ORDERS = "orders"
    UNITS = "units"
    REVENUE = "revenue"
    COST = "cost"
    DISCOUNT = "discount"
    REFUNDED = "refunded"
    REFUNDED_UNITS = "refunded_units"
    REFUNDED_REVENUE = "refunded_revenue"
    SHIPPED_UNITS = "shipped_units"
    CANCELLED_ORDERS = "cancelled_orders"
    MARGIN = "margin"


@dataclass(frozen=True)
class Slice:
    """What the caller may see: everything (operator), one merchant's or one supplier's sales."""

    merchant: str | None = None
    supplier: str | None = None

    def filter(self) -> Doc:
        own = {"merchant": self.merchant, "supplier": self.supplier}
        return {field: value for field, value in own.items() if value is not None}


@dataclass(frozen=True)
class Reading:
    dim: str
    shown: str


_TOTALS = {GroupBy.DAY, GroupBy.HOUR}
_OPERATOR = {
    GroupBy.SKU: Reading("sku", "sku"),
    GroupBy.MERCHANT: Reading("shop", "merchant"),
    GroupBy.SUPPLIER: Reading("merchant_supplier", "supplier"),
    GroupBy.PLATFORM: Reading("shop", "platform"),
    GroupBy.SHOP: Reading("shop", "shop"),
    GroupBy.CATEGORY: Reading("category", "category"),
}
_MERCHANT = {
    GroupBy.SKU: Reading("merchant_sku", "sku"),
    GroupBy.MERCHANT: Reading("shop", "merchant"),
    GroupBy.SUPPLIER: Reading("merchant_supplier", "supplier"),
    GroupBy.PLATFORM: Reading("shop", "platform"),
    GroupBy.SHOP: Reading("shop", "shop"),
}
_SUPPLIER = {
    GroupBy.SKU: Reading("sku", "sku"),
    GroupBy.MERCHANT: Reading("merchant_supplier", "merchant"),
    GroupBy.SUPPLIER: Reading("merchant_supplier", "supplier"),
    GroupBy.PLATFORM: Reading("supplier_platform", "platform"),
}


def reading(where: Slice, group_by: GroupBy) -> Reading | None:
    """The roll-up answering `group_by` for this slice; None when the slice has none (a
    merchant's categories, a supplier's shops). A group sums the buckets sharing its attribute;
    orders stay exact because the dimension read gives each order one bucket per group (one
    shop per order, one merchant per order)."""
    if group_by in _TOTALS:
        return Reading("merchant_supplier" if where.supplier else "shop", PERIOD)
    table = _MERCHANT if where.merchant else _SUPPLIER if where.supplier else _OPERATOR
    return table.get(group_by)


class SalesRow(BaseModel):
    """One group's figures over the period asked (money in fen)."""

    key: str
    orders: int
    units: int
    revenue: int
    cost: int
    refunded: int
    discount: int
    refunded_units: int
    refunded_revenue: int
    shipped_units: int
    cancelled_orders: int
    #: revenue - refunded_revenue - cost + refunded: the merchants' margin net of refunds.
    margin: int

    @classmethod
    def of(cls, key: str, figures: Figures) -> SalesRow:
        return cls(key=key, margin=figures.margin, **figures.model_dump())

    def figures(self) -> Figures:
        return Figures.model_validate(self.model_dump(include=set(FIGURES)))


class SalesPoint(SalesRow):
    """One group's figures in one hour or day (a bucket, or the sum of a period's buckets)."""

    period: datetime

    @classmethod
    def at(cls, key: str, period: datetime, figures: Figures) -> SalesPoint:
        return cls(key=key, period=period, margin=figures.margin, **figures.model_dump())


class Summary(BaseModel):
    items: list[SalesRow]


class SeriesPoint(BaseModel):
    key: str
    period: datetime
    value: int


class Series(BaseModel):
    metric: Metric
    granularity: str
    items: list[SeriesPoint]


def group_stage(shown: str, with_period: bool) -> Doc:
    """`$group` of the figures by the shown attribute (a shop with its platform), and period."""
    key: Doc = {"platform": "$platform", "shop": "$shop"} if shown == "shop" else {"k": f"${shown}"}
    if with_period and shown != PERIOD:
        key["period"] = "$period"
    return {"$group": {"_id": key, **{f: {"$sum": f"${f}"} for f in FIGURES}}}


def shown_key(group_id: Doc, shown: str, period: datetime, granularity: Granularity) -> str:
    """The group's key as shown: a shop as `platform:shop`, a day as its date, an hour in RFC 3339
    (`period`: the group's hour or day)."""
    if shown == "shop":
        return f"{group_id['platform']}:{group_id['shop']}"
    if shown == PERIOD:
        return period.date().isoformat() if granularity is Granularity.DAY else period.isoformat()
    return str(group_id["k"])
