"""Coupon messages: the operator's channels, templates and issues, a merchant's claim, and the
order saga's coupon step (apply, then redeem or give back on the order's own events)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StrictInt

from schemas.common import Fen, Frozen, Instant, ShortText, Sku
from schemas.envelope import Command, Event

Slug = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_\-]*$")]
Percent = Annotated[StrictInt, Field(ge=1, le=99)]
Count = Annotated[StrictInt, Field(ge=1, le=10_000_000)]
Names = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=500)]


class CreateChannel(Command):
    """Request/reply: a coupon source (a platform's subsidy programme, or Juhe's own) with a budget."""

    NAME: ClassVar[str] = "coupon.create_channel"
    channel_id: Slug
    name: ShortText
    budget: Fen

    def business_key(self) -> str:
        return self.channel_id


class TemplateTerms(Frozen):
    """What a coupon of a template gives and when it applies; copied onto every coupon issued."""

    kind: Literal["amount", "percent"]
    #: Fen off (kind amount).
    amount_off: Fen | None = None
    #: Percent off the eligible lines' cost (kind percent), at most `max_discount` fen.
    percent_off: Percent | None = None
    max_discount: Fen | None = None
    #: The eligible lines must cost at least this much (fen).
    min_charge: Fen = 0
    tiers: Names = Field(default_factory=list)
    categories: Names = Field(default_factory=list)
    suppliers: Names = Field(default_factory=list)
    skus: Annotated[list[Sku], Field(max_length=500)] = Field(default_factory=list)


class CreateTemplate(Command):
    """Request/reply: a template drawing on a channel's budget."""

    NAME: ClassVar[str] = "coupon.create_template"
    template_id: str
    channel_id: str
    name: ShortText
    terms: TemplateTerms
    valid_from: Instant | None = None
    valid_to: Instant | None = None
    valid_days: Annotated[StrictInt, Field(ge=1, le=3650)] | None = None
    per_merchant_limit: Count = 1
    quantity: Count
    published: bool = False

    def business_key(self) -> str:
        return self.template_id


class PublishTemplate(Command):
    """Request/reply: make a template claimable by merchants, or stop that."""

    NAME: ClassVar[str] = "coupon.publish_template"
    template_id: str
    published: bool

    def business_key(self) -> str:
        return f"{self.template_id}|{self.published}|{self.occurred_at.isoformat()}"


class IssueCoupon(Command):
    """One coupon of a template to one merchant, once per `reference` (request/reply when the
    operator or a claim asks; fire-and-forget when a fan-out sends it)."""

    NAME: ClassVar[str] = "coupon.issue"
    template_id: str
    merchant_id: str
    #: Makes the issue idempotent: `issue:<issue_id>` or `claim:<claim_id>`.
    reference: str
    issue_id: str | None = None
    #: A merchant's claim (领取) needs the template published.
    claim: bool = False

    def business_key(self) -> str:
        return f"{self.template_id}|{self.merchant_id}|{self.reference}"


class IssueCoupons(Command):
    """Fan-out: a template to every merchant of a tier, or to a list, one page per message."""

    NAME: ClassVar[str] = "coupon.issue_many"
    issue_id: str
    template_id: str
    tier: str | None = None
    merchant_ids: list[str] = Field(default_factory=list, max_length=10_000)
    #: Where the next page starts (the last merchant id of the previous page).
    after: str | None = None

    def business_key(self) -> str:
        return f"{self.issue_id}|{self.after or ''}"


class CouponLine(Frozen):
    sku: str
    cost: StrictInt
    supplier_id: str | None = None


class ApplyCoupon(Command):
    """The order is reserved: lock the merchant's best eligible coupon (or the named one) for it."""

    NAME: ClassVar[str] = "coupon.apply"
    order_key: str
    merchant_id: str
    tier: str
    lines: list[CouponLine] = Field(min_length=1)
    #: The coupon a manual order names; only it is considered.
    coupon_id: str | None = None


class ReleaseCoupon(Command):
    """Give back whatever coupon the order holds (the order closed while its coupon was locked)."""

    NAME: ClassVar[str] = "coupon.release"
    order_key: str


class CouponApplied(Event):
    """The coupon step's answer: the coupon locked for the order and its discount, or none (0)."""

    NAME: ClassVar[str] = "coupon.applied"
    order_key: str
    merchant_id: str
    coupon_id: str | None = None
    discount: Fen = 0
    #: Why no coupon was locked (no_eligible_coupon, budget_exhausted, not_eligible, …).
    reason: str | None = None


class CouponIssueRefused(Event):
    """A fan-out could not issue to this merchant (quantity, limit or budget); kept for the report."""

    NAME: ClassVar[str] = "coupon.issue_refused"
    MUST_ROUTE: ClassVar[bool] = False
    template_id: str
    merchant_id: str
    reference: str
    reason: str

    def business_key(self) -> str:
        return f"{self.template_id}|{self.merchant_id}|{self.reference}"
