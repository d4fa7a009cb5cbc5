"""Coupon's read side: channels with their report, templates, coupons (a merchant's, or the
operator's filtered view), an issue's outcome, whether a merchant holds a usable coupon (the
order saga's cheap check), and the invariants the audit holds the store to."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from juhe.store.pages import Page, keyset_page
from schemas.coupon import TemplateTerms
from schemas.envelope import utcnow
from workers.coupon.model import Channel, Coupon, CouponStatus, IssueRefusal, Template

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


class CouponQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db
        self._coupons = db[Coupon.COLLECTION]

    async def has_usable(self, merchant_id: str, at: datetime) -> bool:
        """One indexed read: does the merchant hold a coupon an order received at `at` could use?"""
        query = {"merchant_id": merchant_id, "status": S.AVAILABLE, "valid_to": {"$gt": at}}
        return await self._coupons.find_one(query, {"_id": 1}) is not None

    async def coupon(self, coupon_id: str) -> CouponView | None:
        doc = await self._coupons.find_one({"_id": coupon_id, "status": {"$ne": S.ISSUING}})
        return None if doc is None else CouponView.of(Coupon.model_validate(doc), utcnow())

    async def coupons(self, where: CouponFilter, *, limit: int, cursor: str | None) -> Page[CouponView]:
        now = utcnow()
        docs, next_cursor = await keyset_page(
            self._coupons, where.query(now), field="_id", limit=limit, cursor=cursor, descending=False
        )
        return Page(
            items=[CouponView.of(Coupon.model_validate(d), now) for d in docs], next_cursor=next_cursor
        )

    async def channel(self, channel_id: str) -> ChannelView | None:
        doc = await self._db[Channel.COLLECTION].find_one({"_id": channel_id})
        return None if doc is None else await self._report(Channel.model_validate(doc))

    async def channels(self, *, limit: int, cursor: str | None) -> Page[ChannelView]:
        docs, next_cursor = await keyset_page(
            self._db[Channel.COLLECTION], {}, field="_id", limit=limit, cursor=cursor, descending=False
        )
        items = [await self._report(Channel.model_validate(d)) for d in docs]
        return Page(items=items, next_cursor=next_cursor)

    async def _report(self, channel: Channel) -> ChannelView:
        now = utcnow()
        count = self._coupons.count_documents
        mine = {"channel_id": channel.id}
        return ChannelView(
            **channel.model_dump(include={"id", "name", "budget", "spent", "remaining", "created_at"}),
            locked_amount=channel.held,
            issued=await count({**mine, "status": {"$ne": S.ISSUING}}),
            redeemed=await count({**mine, "status": S.USED}),
            locked=await count({**mine, "status": S.LOCKED}),
            expired=await count({**mine, "status": S.AVAILABLE, "valid_to": {"$lte": now}}),
        )

    async def template(self, template_id: str) -> TemplateView | None:
        doc = await self._db[Template.COLLECTION].find_one({"_id": template_id})
        return None if doc is None else TemplateView.model_validate(Template.model_validate(doc).model_dump())

    async def templates(
        self, *, published_only: bool, channel_id: str | None, limit: int, cursor: str | None
    ) -> Page[TemplateView]:
        query: Doc = {"published": True} if published_only else {}
        query.update({} if channel_id is None else {"channel_id": channel_id})
        docs, next_cursor = await keyset_page(
            self._db[Template.COLLECTION], query, field="_id", limit=limit, cursor=cursor, descending=False
        )
        items = [TemplateView.model_validate(Template.model_validate(d).model_dump()) for d in docs]
        return Page(items=items, next_cursor=next_cursor)

    async def issue(self, issue_id: str) -> IssueView:
        refusals = self._db[IssueRefusal.COLLECTION]
        first = await refusals.find({"issue_id": issue_id}).sort("_id", 1).limit(100).to_list()
        return IssueView(
            issue_id=issue_id,
            issued=await self._coupons.count_documents({"issue_id": issue_id, "status": {"$ne": S.ISSUING}}),
            refused=await refusals.count_documents({"issue_id": issue_id}),
            refusals={
                IssueRefusal.model_validate(d).merchant_id: IssueRefusal.model_validate(d).reason
                for d in first
            },
        )

    async def violations(self) -> list[str]:
        """Per channel spent <= budget and its figures add up; per template issued <= quantity;
        no coupon used by two orders. (Each order's discount is checked by `used_by_order`.)"""
        problems: list[str] = []
        used: Counter[str] = Counter()
        per_template: Counter[str] = Counter()
        orders: Counter[str] = Counter()
        query = {"status": {"$ne": S.ISSUING}}
        async for doc in self._coupons.find(
            query, {"channel_id": 1, "template_id": 1, "status": 1, "discount": 1, "order_key": 1}
        ):
            per_template[doc["template_id"]] += 1
            if doc["status"] == S.USED:
                used[doc["channel_id"]] += doc["discount"]
                orders[doc["order_key"]] += 1
        async for doc in self._db[Channel.COLLECTION].find():
            channel = Channel.model_validate(doc)
            problems += [f"channel {channel.id}: {p}" for p in channel.violations(used[channel.id])]
        async for doc in self._db[Template.COLLECTION].find():
            template = Template.model_validate(doc)
            if per_template[template.id] > template.quantity or template.issued > template.quantity:
                problems.append(
                    f"template {template.id}: {per_template[template.id]} issued > {template.quantity}"
                )
        problems += [f"order {key}: uses {n} coupons" for key, n in orders.items() if n > 1]
        return problems

    async def used_by_order(self) -> dict[str, tuple[str, int]]:
        """Each order that used a coupon: the coupon and the discount it gave."""
        cursor = self._coupons.find({"status": S.USED}, {"order_key": 1, "discount": 1})
        return {doc["order_key"]: (doc["_id"], doc["discount"]) async for doc in cursor}
