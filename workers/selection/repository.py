"""Selections: the only writer of `selections`.

One document per shop + SKU (`_id` derived from both), so a retried request cannot select
twice. Every state change is a conditional single-document update.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from workers.selection.model import LISTED, LOG_KEEP, SELECTIONS, Change, Expect, PushLogEntry, Selection

Doc = dict[str, Any]


def _condition(expect: Expect) -> Doc:
    wanted = {"merchant_id": expect.merchant_id, "status": expect.status, "revision": expect.revision}
    condition: Doc = {field: value for field, value in wanted.items() if value is not None}
    if expect.price_other_than is not None:
        condition["retail_price"] = {"$ne": expect.price_other_than}
    return condition


def _selection(doc: Doc | None) -> Selection | None:
    return None if doc is None else Selection.model_validate(doc)


class MongoSelections:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._selections = db[SELECTIONS]

    async def get(self, selection_id: str) -> Selection | None:
        return _selection(await self._selections.find_one({"_id": selection_id}))

    async def insert_or_get(self, selection: Selection) -> Selection:
        fields = selection.model_dump(exclude={"id"})
        stored = await self._selections.find_one_and_update(
            {"_id": selection.id},
            {"$setOnInsert": fields},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return Selection.model_validate(stored)

    async def change(
        self, selection_id: str, expect: Expect, change: Change, *, bump: bool
    ) -> Selection | None:
        update: Doc = {"$set": change.fields()}
        if bump:
            update["$inc"] = {"revision": 1}
        return _selection(
            await self._selections.find_one_and_update(
                {"_id": selection_id, **_condition(expect)}, update, return_document=ReturnDocument.AFTER
            )
        )

    async def by_product(self, product_id: str) -> list[Selection]:
        return [Selection.model_validate(d) async for d in self._selections.find({"product_id": product_id})]

    async def listed_for_skus(self, skus: list[str]) -> list[Selection]:
        query = {"sku": {"$in": skus}, "status": LISTED}
        return [Selection.model_validate(d) async for d in self._selections.find(query)]

    async def lease_push(self, selection_id: str, revision: int, now: datetime, until: datetime) -> bool:
        lease = {"$set": {"push_lease_revision": revision, "push_lease_until": until}}
        fresh = {"revision": revision, "push_lease_revision": {"$not": {"$gte": revision}}}
        expired = {"revision": revision, "push_lease_revision": revision, "push_lease_until": {"$lte": now}}
        for condition in (fresh, expired):
            if await self._selections.find_one_and_update(
                {"_id": selection_id, **condition}, lease, {"_id": 1}
            ):
                return True
        return False

    async def renew_push_lease(self, selection_id: str, until: datetime) -> None:
        await self._selections.update_one({"_id": selection_id}, {"$set": {"push_lease_until": until}})

    async def open_stock_window(self, selection_id: str, token: str) -> bool:
        won = await self._selections.find_one_and_update(
            {"_id": selection_id, "status": LISTED, "stock_push_pending": None},
            {"$set": {"stock_push_pending": token}},
            projection={"_id": 1},
        )
        return won is not None

    async def close_stock_window(self, selection_id: str, token: str) -> Selection | None:
        closed = await self._selections.find_one_and_update(
            {"_id": selection_id, "stock_push_pending": token},
            {"$set": {"stock_push_pending": None, "stock_push_token": token}},
            return_document=ReturnDocument.AFTER,
        )
        if closed is None:
            closed = await self._selections.find_one({"_id": selection_id, "stock_push_token": token})
        return _selection(closed)

    async def log(
        self, selection_id: str, entry: PushLogEntry, *, delivered_revision: int | None = None
    ) -> None:
        stored = entry.model_dump(exclude_none=True)
        update: Doc = {"$push": {"deliveries": {"$each": [stored], "$slice": -LOG_KEEP}}}
        if delivered_revision is not None:
            update["$max"] = {"delivered_revision": delivered_revision}
        await self._selections.update_one({"_id": selection_id}, update)


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    await db[SELECTIONS].create_index("sku")
    await db[SELECTIONS].create_index("product_id")
    await db[SELECTIONS].create_index([("merchant_id", 1), ("_id", 1)])
