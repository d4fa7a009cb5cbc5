"""The coupon area's read models: what the edge and the other areas see of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from schemas.coupon import TemplateTerms
from workers.coupon.model import Coupon, CouponStatus

Doc = dict[str, Any]
S = CouponStatus
Shown = Literal["available", "locked", "used", "expired"]


class ChannelView(BaseModel):
    """A channel and its report, money in fen: `remaining = budget - spent - locked_amount`."""

    id: str
    name: str
    budget: int
    spent: int
    remaining: int
    #: Held by coupons locked for orders not yet paid.
    locked_amount: int
    issued: int
    redeemed: int
    locked: int
    expired: int
    created_at: datetime


class TemplateView(BaseModel):
    id: str
    channel_id: str
    name: str
    terms: TemplateTerms
    valid_from: datetime | None
    valid_to: datetime | None
    valid_days: int | None
    per_merchant_limit: int
    quantity: int
    issued: int
    published: bool
    created_at: datetime


class CouponView(BaseModel):
    id: str
    template_id: str
    channel_id: str
    merchant_id: str
    status: Shown
    terms: TemplateTerms
    valid_from: datetime
    valid_to: datetime
    issued_at: datetime
    order_key: str | None
    discount: int

    @classmethod
    def of(cls, coupon: Coupon, now: datetime) -> CouponView:
        shown = coupon.model_dump(exclude={"status"})
        return cls(**shown, status=coupon.shown_status(now).value)


class IssueView(BaseModel):
    issue_id: str
    issued: int
    refused: int
    #: The first refusals, by merchant: sold_out, limit_reached, budget_exhausted.
    refusals: dict[str, str]


@dataclass(frozen=True)
class CouponFilter:
    merchant_id: str | None = None
    channel_id: str | None = None
    template_id: str | None = None
    status: Shown | None = None

    def query(self, now: datetime) -> Doc:
        fields = {
            "merchant_id": self.merchant_id,
            "channel_id": self.channel_id,
            "template_id": self.template_id,
        }
        query: Doc = {f: v for f, v in fields.items() if v is not None}
        if self.status == "available":
            query.update(status=S.AVAILABLE, valid_to={"$gt": now})
        elif self.status == "expired":
            query.update(status=S.AVAILABLE, valid_to={"$lte": now})
        elif self.status is not None:
            query["status"] = self.status
        else:
            query["status"] = {"$ne": S.ISSUING}
        return query
