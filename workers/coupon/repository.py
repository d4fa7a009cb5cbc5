"""Channels, templates and coupons: the only code that writes them. Each call is one
single-document conditional write; which calls make a step is the handlers' rule."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from workers.coupon.model import Channel, Coupon, CouponStatus, Hold, IssueRefusal, Template

Doc = dict[str, Any]
S = CouponStatus


class MongoCouponRepository:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._channels = db[Channel.COLLECTION]
        self._templates = db[Template.COLLECTION]
        self._coupons = db[Coupon.COLLECTION]
        self._refusals = db[IssueRefusal.COLLECTION]

    # -- channels

    async def create_channel(self, channel: Channel) -> Channel:
        try:
            await self._channels.insert_one(channel.model_dump(by_alias=True))
        except DuplicateKeyError:
            stored = await self.channel(channel.id)
            assert stored is not None  # channels are never deleted
            return stored
        return channel

    async def channel(self, channel_id: str) -> Channel | None:
        doc = await self._channels.find_one({"_id": channel_id})
        return None if doc is None else Channel.model_validate(doc)

    async def channel_holding(self, order_key: str) -> list[Channel]:
        query = {"$or": [{"holds.order_key": order_key}, {"returns.order_key": order_key}]}
        return [Channel.model_validate(doc) async for doc in self._channels.find(query)]

    async def hold(self, channel_id: str, hold: Hold) -> bool:
        result = await self._channels.update_one(
            {
                "_id": channel_id,
                "remaining": {"$gte": hold.amount},
                "holds.coupon_id": {"$ne": hold.coupon_id},
            },
            {"$inc": {"remaining": -hold.amount}, "$push": {"holds": hold.model_dump()}},
        )
        if result.modified_count == 1:
            return True
        return (
            await self._channels.find_one({"_id": channel_id, "holds": _same(hold)}, {"_id": 1}) is not None
        )

    async def release_hold(self, channel_id: str, hold: Hold) -> bool:
        return await self._move_hold(channel_id, hold, "remaining")

    async def spend_hold(self, channel_id: str, hold: Hold) -> bool:
        return await self._move_hold(channel_id, hold, "spent")

    async def _move_hold(self, channel_id: str, hold: Hold, into: str) -> bool:
        result = await self._channels.update_one(
            {"_id": channel_id, "holds": _same(hold)},
            {"$inc": {into: hold.amount}, "$pull": {"holds": hold.model_dump()}},
        )
        return result.modified_count == 1

    async def start_return(self, channel_id: str, hold: Hold) -> bool:
        result = await self._channels.update_one(
            {"_id": channel_id, "returns": {"$not": _same(hold)}},
            {
                "$inc": {"spent": -hold.amount, "remaining": hold.amount},
                "$push": {"returns": hold.model_dump()},
            },
        )
        return result.modified_count == 1

    async def end_return(self, channel_id: str, hold: Hold) -> None:
        await self._channels.update_one({"_id": channel_id}, {"$pull": {"returns": hold.model_dump()}})

    # -- templates

    async def create_template(self, template: Template) -> Template:
        try:
            await self._templates.insert_one(template.model_dump(by_alias=True))
        except DuplicateKeyError:
            stored = await self.template(template.id)
            assert stored is not None
            return stored
        return template

    async def template(self, template_id: str) -> Template | None:
        doc = await self._templates.find_one({"_id": template_id})
        return None if doc is None else Template.model_validate(doc)

    async def take_quantity(self, template_id: str) -> bool:
        template = await self.template(template_id)
        if template is None:
            return False
        result = await self._templates.update_one(
            {"_id": template_id, "issued": {"$lt": template.quantity}}, {"$inc": {"issued": 1}}
        )
        return result.modified_count == 1

    async def give_quantity(self, template_id: str) -> None:
        await self._templates.update_one({"_id": template_id, "issued": {"$gt": 0}}, {"$inc": {"issued": -1}})

    async def set_published(self, template_id: str, published: bool) -> Template | None:
        doc = await self._templates.find_one_and_update(
            {"_id": template_id}, {"$set": {"published": published}}, return_document=ReturnDocument.AFTER
        )
        return None if doc is None else Template.model_validate(doc)

    # -- coupons

    async def coupon(self, coupon_id: str) -> Coupon | None:
        doc = await self._coupons.find_one({"_id": coupon_id})
        return None if doc is None else Coupon.model_validate(doc)

    async def coupon_for(self, template_id: str, merchant_id: str, reference: str) -> Coupon | None:
        query = {"template_id": template_id, "merchant_id": merchant_id, "reference": reference}
        doc = await self._coupons.find_one(query)
        return None if doc is None else Coupon.model_validate(doc)

    async def insert_coupon(self, coupon: Coupon) -> bool:
        try:
            await self._coupons.insert_one(coupon.model_dump(by_alias=True))
        except DuplicateKeyError:
            return False
        return True

    async def drop_issuing(self, coupon_id: str, owner: str) -> None:
        await self._coupons.delete_one({"_id": coupon_id, "status": S.ISSUING, "owner": owner})

    async def finish_issuing(self, coupon_id: str, owner: str) -> bool:
        where = {"_id": coupon_id, "status": S.ISSUING, "owner": owner}
        return await self._move_where(where, {"status": S.AVAILABLE, "owner": None})

    async def take_over(self, coupon_id: str, owner: str, new_owner: str) -> bool:
        where = {"_id": coupon_id, "status": S.ISSUING, "owner": owner}
        return await self._move_where(where, {"owner": new_owner})

    async def _move_where(self, where: Doc, changed: Doc) -> bool:
        result = await self._coupons.update_one(where, {"$set": changed})
        return result.modified_count == 1

    async def usable_coupons(self, merchant_id: str, now: datetime) -> list[Coupon]:
        query = {"merchant_id": merchant_id, "status": S.AVAILABLE, "valid_to": {"$gt": now}}
        return [Coupon.model_validate(doc) async for doc in self._coupons.find(query)]

    async def coupon_of_order(self, order_key: str) -> Coupon | None:
        doc = await self._coupons.find_one({"order_key": order_key, "status": {"$in": [S.LOCKED, S.USED]}})
        return None if doc is None else Coupon.model_validate(doc)

    async def lock(self, coupon_id: str, order_key: str, discount: int) -> bool:
        changed = {"status": S.LOCKED, "order_key": order_key, "discount": discount}
        return await self._move(coupon_id, {"status": S.AVAILABLE}, changed)

    async def redeem(self, coupon_id: str, order_key: str) -> bool:
        return await self._move(coupon_id, {"status": S.LOCKED, "order_key": order_key}, {"status": S.USED})

    async def unlock(self, coupon_id: str, order_key: str) -> bool:
        return await self._move(coupon_id, {"status": S.LOCKED, "order_key": order_key}, _AVAILABLE)

    async def unuse(self, coupon_id: str, order_key: str) -> bool:
        return await self._move(coupon_id, {"status": S.USED, "order_key": order_key}, _AVAILABLE)

    async def _move(self, coupon_id: str, condition: Doc, changed: Doc) -> bool:
        result = await self._coupons.update_one({"_id": coupon_id, **condition}, {"$set": changed})
        return result.modified_count == 1

    async def record_refusal(self, refusal: IssueRefusal) -> None:
        with suppress(DuplicateKeyError):  # kept already
            await self._refusals.insert_one(refusal.model_dump(by_alias=True))


_AVAILABLE: Doc = {"status": S.AVAILABLE, "order_key": None, "discount": 0}


def _same(hold: Hold) -> Doc:
    return {"$elemMatch": {"coupon_id": hold.coupon_id, "order_key": hold.order_key}}


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    coupons = db[Coupon.COLLECTION]
    await coupons.create_index(
        [("template_id", ASCENDING), ("merchant_id", ASCENDING), ("reference", ASCENDING)],
        unique=True,
        name="one_coupon_per_reference",
    )
    await coupons.create_index([("merchant_id", ASCENDING), ("status", ASCENDING), ("valid_to", ASCENDING)])
    await coupons.create_index([("channel_id", ASCENDING), ("status", ASCENDING), ("valid_to", ASCENDING)])
    await coupons.create_index("order_key")
    await coupons.create_index("issue_id")
    await db[Channel.COLLECTION].create_index("holds.order_key")
    await db[IssueRefusal.COLLECTION].create_index("issue_id")
