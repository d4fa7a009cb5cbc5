"""Coupon's stored aggregates: a channel and its budget, a template, a coupon.

A channel's budget is moved only by single-document conditional updates of the channel: a
coupon locked for an order is a `Hold` in the channel (the budget it takes out of `remaining`),
redeeming turns the hold into `spent`, giving back removes the hold (or, for a used coupon, the
`Return` marker makes the un-spending happen once). So `remaining = budget - spent - Σ holds`
at every moment, and `spent <= budget`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from schemas.coupon import TemplateTerms
from schemas.envelope import utcnow


def stored_now() -> datetime:
    """Now, to the millisecond the store keeps: an answer shows the time a later read shows."""
    now = utcnow()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class Document(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class Hold(Document):
    """Budget taken by one coupon for one order (locked, or used and being given back)."""

    coupon_id: str
    order_key: str
    amount: int


class Channel(Document):
    COLLECTION: ClassVar[str] = "coupon_channels"
    id: str = Field(alias="_id")
    name: str
    budget: int
    #: What may still be locked: budget - spent - Σ holds.
    remaining: int
    spent: int = 0
    #: Coupons locked by orders not yet paid (bounded by the orders in flight).
    holds: list[Hold] = Field(default_factory=list)
    #: Used coupons whose order closed: their discount is being given back (in flight only).
    returns: list[Hold] = Field(default_factory=list)
    created_at: datetime

    @property
    def held(self) -> int:
        return sum(h.amount for h in self.holds)

    def violations(self, used_discounts: int) -> list[str]:
        """The channel's invariants it breaks; `used_discounts` sums its used coupons."""
        problems = []
        if self.spent > self.budget:
            problems.append(f"spent {self.spent} > budget {self.budget}")
        if self.remaining != self.budget - self.spent - self.held:
            problems.append(f"remaining {self.remaining} != budget - spent - held")
        if self.remaining < 0:
            problems.append(f"remaining {self.remaining} below 0")
        if not self.returns and used_discounts != self.spent:
            problems.append(f"spent {self.spent} != used coupons' discounts {used_discounts}")
        return problems


class Template(Document):
    COLLECTION: ClassVar[str] = "coupon_templates"
    id: str = Field(alias="_id")
    channel_id: str
    name: str
    terms: TemplateTerms
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    valid_days: int | None = None
    per_merchant_limit: int = 1
    quantity: int
    #: Coupons taken out of `quantity` (a crash between taking and issuing leaves it counted:
    #: the quantity may then be under-issued, never exceeded).
    issued: int = 0
    published: bool = False
    created_at: datetime

    def validity(self, issued_at: datetime) -> tuple[datetime, datetime]:
        """A coupon's window: the template's from/to, or N days from its issue."""
        start = self.valid_from or issued_at
        if self.valid_days is not None:
            return issued_at, issued_at + timedelta(days=self.valid_days)
        assert self.valid_to is not None  # a template has one or the other (checked at creation)
        return start, self.valid_to


class CouponStatus(StrEnum):
    #: Its slot and reference are claimed, the template's quantity not yet taken: never shown.
    ISSUING = "issuing"
    AVAILABLE = "available"
    LOCKED = "locked"
    USED = "used"
    #: Shown, never stored: an available coupon past its valid-to.
    EXPIRED = "expired"


class Coupon(Document):
    COLLECTION: ClassVar[str] = "coupons"
    #: `<template>:<merchant>:<slot>`: slot 1..per_merchant_limit makes the limit exact.
    id: str = Field(alias="_id")
    template_id: str
    channel_id: str
    merchant_id: str
    reference: str
    issue_id: str | None = None
    terms: TemplateTerms
    valid_from: datetime
    valid_to: datetime
    issued_at: datetime
    status: CouponStatus = CouponStatus.AVAILABLE
    #: The order that locked (or used) it, and the discount it gave that order.
    order_key: str | None = None
    discount: int = 0
    #: While `issuing`: the attempt that claimed it, the only one that may finish or drop it.
    owner: str | None = None

    def shown_status(self, now: datetime) -> CouponStatus:
        if self.status == CouponStatus.AVAILABLE and self.valid_to <= now:
            return CouponStatus.EXPIRED
        return self.status

    def usable_at(self, now: datetime) -> bool:
        return self.status == CouponStatus.AVAILABLE and self.valid_from <= now < self.valid_to


def coupon_id(template_id: str, merchant_id: str, slot: int) -> str:
    return f"{template_id}:{merchant_id}:{slot}"


class IssueRefusal(Document):
    """A fan-out's refusal for one merchant, kept once for the issue's report."""

    COLLECTION: ClassVar[str] = "coupon_issue_refusals"
    id: str = Field(alias="_id")
    issue_id: str
    merchant_id: str
    reason: str
