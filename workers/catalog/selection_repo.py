"""Selections (collection `selections`, owned by catalog) and the reads selection rules need.

One document per shop + SKU (`_id` derived from both), so a retried request cannot select twice.
Every state change is a conditional single-document update; `revision` counts listing changes
and `delivered_revision` the newest one the shop has acknowledged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from workers.accounts.queries import AccountsQueries

Doc = dict[str, Any]
SELECTIONS = "selections"
LOG_KEEP = 20  # the delivery log keeps the latest entries only


class MongoSelectionRepository:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db
        self._sel = db[SELECTIONS]

    # -- reads of what other parts own (shops: accounts; stock: inventory)
    async def shop(self, platform: str, shop_id: str) -> Doc | None:
        shop = await AccountsQueries(self._db).shop(platform, shop_id)
        return None if shop is None else shop.model_dump(by_alias=True)

    async def sku(self, sku: str) -> Doc | None:
        return await self._db["skus"].find_one({"_id": sku})

    async def product(self, product_id: str) -> Doc | None:
        return await self._db["products"].find_one({"_id": product_id})

    async def available(self, sku: str) -> int:
        stock = await self._db["stock"].find_one({"_id": sku}, {"available": 1})
        return max(0, int((stock or {}).get("available", 0)))

    # -- selections
    async def get(self, selection_id: str) -> Doc | None:
        return await self._sel.find_one({"_id": selection_id})

    async def insert_or_get(self, doc: Doc) -> Doc:
        stored: Doc | None = await self._sel.find_one_and_update(
            {"_id": doc["_id"]},
            {"$setOnInsert": {k: v for k, v in doc.items() if k != "_id"}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        if stored is None:  # an upsert with AFTER always returns the document
            raise RuntimeError(f"selection {doc['_id']} missing after upsert")
        return stored

    async def change(self, selection_id: str, expect: Doc, fields: Doc, *, bump: bool) -> Doc | None:
        """Set `fields` only if the document still matches `expect`; `bump` starts a new revision."""
        update: Doc = {"$set": fields}
        if bump:
            update["$inc"] = {"revision": 1}
        result: Doc | None = await self._sel.find_one_and_update(
            {"_id": selection_id, **expect}, update, return_document=ReturnDocument.AFTER
        )
        return result

    async def by_product(self, product_id: str) -> list[Doc]:
        return await self._sel.find({"product_id": product_id}).to_list()

    async def listed_for_skus(self, skus: list[str]) -> list[Doc]:
        return await self._sel.find({"sku": {"$in": skus}, "status": "listed"}).to_list()

    async def lease_push(self, selection_id: str, revision: int, now: datetime, until: datetime) -> bool:
        """Take the right to push `revision`: first come for a new revision, or a lease run out."""
        lease = {"$set": {"push_lease_revision": revision, "push_lease_until": until}}
        fresh = {"revision": revision, "push_lease_revision": {"$not": {"$gte": revision}}}
        expired = {"revision": revision, "push_lease_revision": revision, "push_lease_until": {"$lte": now}}
        for condition in (fresh, expired):
            if await self._sel.find_one_and_update({"_id": selection_id, **condition}, lease, {"_id": 1}):
                return True
        return False

    async def renew_push_lease(self, selection_id: str, until: datetime) -> None:
        await self._sel.update_one({"_id": selection_id}, {"$set": {"push_lease_until": until}})

    async def open_stock_window(self, selection_id: str, token: str) -> bool:
        """Only the first change in a window wins; later ones ride on its push."""
        won = await self._sel.find_one_and_update(
            {"_id": selection_id, "status": "listed", "stock_push_pending": None},
            {"$set": {"stock_push_pending": token}},
            projection={"_id": 1},
        )
        return won is not None

    async def close_stock_window(self, selection_id: str, token: str) -> Doc | None:
        """Clear the window before reading stock; a redelivery of the same push still proceeds."""
        closed: Doc | None = await self._sel.find_one_and_update(
            {"_id": selection_id, "stock_push_pending": token},
            {"$set": {"stock_push_pending": None, "stock_push_token": token}},
            return_document=ReturnDocument.AFTER,
        )
        if closed is None:
            closed = await self._sel.find_one({"_id": selection_id, "stock_push_token": token})
        return closed

    async def log(self, selection_id: str, entry: Doc, *, delivered_revision: int | None = None) -> None:
        update: Doc = {"$push": {"deliveries": {"$each": [entry], "$slice": -LOG_KEEP}}}
        if delivered_revision is not None:
            update["$max"] = {"delivered_revision": delivered_revision}
        await self._sel.update_one({"_id": selection_id}, update)


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    await db[SELECTIONS].create_index("sku")
    await db[SELECTIONS].create_index("product_id")
    await db[SELECTIONS].create_index([("merchant_id", 1), ("_id", 1)])
