"""Coupon's read side: channels with their report, templates, coupons (a merchant's, or the
operator's filtered view), an issue's outcome, whether a merchant holds a usable coupon (the
order saga's cheap check), and the invariants the audit holds the store to."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from juhe.store.pages import Page, keyset_page
from schemas.envelope import utcnow
from workers.coupon.model import Channel, Coupon, CouponStatus, IssueRefusal, Template
from workers.coupon.queries.views import (
    ChannelView,
    CouponFilter,
    CouponView,
    IssueView,
    Shown,
    TemplateView,
)

__all__ = [
    "ChannelView",
    "CouponFilter",
    "CouponQueries",
    "CouponView",
    "IssueView",
    "Shown",
    "TemplateView",
]

Doc = dict[str, Any]
S = CouponStatus
#: Refusals an issue's report lists by merchant.
SHOWN_REFUSALS = 100


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
        """The refusals listed are those counted (one read), unless there are more than shown."""
        refusals = self._db[IssueRefusal.COLLECTION]
        docs = await refusals.find({"issue_id": issue_id}).sort("_id", 1).limit(SHOWN_REFUSALS).to_list()
        shown = [IssueRefusal.model_validate(d) for d in docs]
        refused = len(shown)
        if refused == SHOWN_REFUSALS:
            refused = await refusals.count_documents({"issue_id": issue_id})
        return IssueView(
            issue_id=issue_id,
            issued=await self._coupons.count_documents({"issue_id": issue_id, "status": {"$ne": S.ISSUING}}),
            refused=refused,
            refusals={r.merchant_id: r.reason for r in shown},
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
