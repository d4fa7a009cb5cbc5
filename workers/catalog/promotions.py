"""Holiday promotions: create (claiming each SKU's time span atomically) and end early.

Each SKU has one document in `promotion_skus` holding the windows of the promotions that
price it. A window is added by a single conditional upsert whose filter says "no other
promotion's window overlaps this one", so two promotions can never price the same SKU at
the same moment, without a read-check-write. The order worker prices from these windows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from juhe.replies import Reply, ok, refuse
from schemas.envelope import utcnow
from schemas.promotions import CreatePromotion, EndPromotion
from workers.catalog.promotion_rules import (
    check_items,
    check_window,
    end_moment,
    new_promotion,
    render,
    window,
)

Doc = dict[str, Any]
PROMOTIONS = "promotions"
PROMOTION_SKUS = "promotion_skus"


class PromotionRepository(Protocol):
    async def get(self, promotion_id: str) -> Doc | None: ...
    async def skus(self, codes: list[str]) -> dict[str, Doc]: ...
    async def insert(self, doc: Doc) -> Doc: ...
    async def claim(self, sku: str, claim: Doc) -> str | None: ...
    async def drop(self, promotion_id: str, skus: list[str]) -> None: ...
    async def open(self, promotion_id: str) -> Doc | None: ...
    async def mark_ended(self, promotion_id: str, ends_at: datetime, at: datetime) -> Doc | None: ...
    async def close_windows(self, doc: Doc) -> None: ...


async def create_promotion(cmd: CreatePromotion, *, repo: PromotionRepository) -> Reply:
    stored = await repo.get(cmd.promotion_id)
    if stored is None:
        codes = [item.sku for item in cmd.items]
        problem = check_window(cmd.starts_at, cmd.ends_at) or check_items(cmd.items, await repo.skus(codes))
        if problem:
            return refuse("invalid", problem)
        stored = await repo.insert(new_promotion(cmd, utcnow()))
    if stored["state"] == "open":  # a redelivery of a request already answered
        return ok(render(stored, utcnow()))
    for i, item in enumerate(cmd.items):
        clash = await repo.claim(item.sku, window(cmd, item))
        if clash is not None:
            await repo.drop(cmd.promotion_id, stored["skus"])
            return refuse(
                "conflict", f"items.{i}.sku: {item.sku!r} is in promotion {clash} during this window"
            )
    opened = await repo.open(cmd.promotion_id)
    assert opened is not None
    return ok(render(opened, utcnow()))


async def end_promotion(cmd: EndPromotion, *, repo: PromotionRepository) -> Reply:
    doc = await repo.get(cmd.promotion_id)
    if doc is None or doc["state"] != "open":
        return refuse("not_found", "promotion not found")
    if doc["ended_at"] is None:
        moment = end_moment(doc, cmd.occurred_at)
        if moment is None:
            return refuse("conflict", "the promotion is already over")
        ended = await repo.mark_ended(cmd.promotion_id, moment, cmd.occurred_at)
        doc = ended or await repo.get(cmd.promotion_id) or doc
    # From the stored end, so a redelivery (or a lost race) converges on the same windows.
    await repo.close_windows(doc)
    return ok(render(doc, utcnow()))


class MongoPromotions:
    """`promotions` and `promotion_skus` are the catalog's; `skus` is read for validation."""

    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._promotions = db[PROMOTIONS]
        self._windows = db[PROMOTION_SKUS]
        self._skus = db["skus"]

    async def get(self, promotion_id: str) -> Doc | None:
        return await self._promotions.find_one({"_id": promotion_id})

    async def skus(self, codes: list[str]) -> dict[str, Doc]:
        return {d["_id"]: d async for d in self._skus.find({"_id": {"$in": codes}}, {"tier_prices": 1})}

    async def insert(self, doc: Doc) -> Doc:
        try:
            await self._promotions.insert_one(doc)
        except DuplicateKeyError:
            stored = await self.get(doc["_id"])
            assert stored is not None
            return stored
        return doc

    async def claim(self, sku: str, claim: Doc) -> str | None:
        """Add the window unless another promotion overlaps it; else that promotion's id."""
        pid, starts, ends = claim["promotion_id"], claim["starts_at"], claim["ends_at"]
        overlapping = {"promotion_id": {"$ne": pid}, "starts_at": {"$lt": ends}, "ends_at": {"$gt": starts}}
        # Two attempts: a first upsert can lose an insert race for a SKU's very first window.
        for _ in range(2):
            try:
                await self._windows.update_one(
                    {"_id": sku, "windows": {"$not": {"$elemMatch": overlapping}}},
                    {"$addToSet": {"windows": claim}},
                    upsert=True,
                )
                return None
            except DuplicateKeyError:
                doc = await self._windows.find_one({"_id": sku}, {"windows": {"$elemMatch": overlapping}})
                if doc and doc.get("windows"):
                    return str(doc["windows"][0]["promotion_id"])
        return "unknown"

    async def drop(self, promotion_id: str, skus: list[str]) -> None:
        await self._windows.update_many(
            {"_id": {"$in": skus}}, {"$pull": {"windows": {"promotion_id": promotion_id}}}
        )
        await self._promotions.delete_one({"_id": promotion_id, "state": "claiming"})

    async def open(self, promotion_id: str) -> Doc | None:
        return await self._promotions.find_one_and_update(
            {"_id": promotion_id}, {"$set": {"state": "open"}}, return_document=ReturnDocument.AFTER
        )

    async def mark_ended(self, promotion_id: str, ends_at: datetime, at: datetime) -> Doc | None:
        return await self._promotions.find_one_and_update(
            {"_id": promotion_id, "ended_at": None},
            {"$set": {"ends_at": ends_at, "ended_at": at}},
            return_document=ReturnDocument.AFTER,
        )

    async def close_windows(self, doc: Doc) -> None:
        pid, skus = doc["_id"], doc["skus"]
        if doc["ends_at"] <= doc["starts_at"]:  # ended before it began: it never prices anything
            await self._windows.update_many(
                {"_id": {"$in": skus}}, {"$pull": {"windows": {"promotion_id": pid}}}
            )
            return
        await self._windows.update_many(
            {"_id": {"$in": skus}, "windows.promotion_id": pid},
            {"$min": {"windows.$.ends_at": doc["ends_at"]}},
        )


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    await db[PROMOTIONS].create_index("list_key")
    # Merchant browse and new arrivals: listed products, newest listing first.
    await db["products"].create_index([("status", 1), ("listed_key", -1)])
