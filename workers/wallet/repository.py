"""Wallets and their ledger: the only code that writes them. How a change is made of these
calls (claim a slot, then advance the wallet) is the handlers' rule."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from juhe.store.group_insert import GroupInserts, private_inserts
from workers.wallet.model import MOVE_DEPENDS_ON, SETTINGS, LedgerEntry, Wallet, entry_id, moved_fields

Doc = dict[str, Any]


class MongoWalletRepository:
    def __init__(self, db: AsyncDatabase[Doc], inserts: GroupInserts | None = None) -> None:
        self._wallets = db[Wallet.COLLECTION]
        self._ledger = db[LedgerEntry.COLLECTION]
        self._claims = (inserts or private_inserts(db))(LedgerEntry.COLLECTION)

    async def wallet(self, merchant_id: str) -> Wallet:
        opened = Wallet(merchant_id=merchant_id).model_dump(exclude={"merchant_id"})
        try:
            doc = await self._wallets.find_one_and_update(
                {"_id": merchant_id},
                {"$setOnInsert": opened},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:  # a concurrent first use created it
            doc = await self._wallets.find_one({"_id": merchant_id})
        assert doc is not None  # wallets are never deleted
        return Wallet.model_validate(doc)

    async def entry(self, merchant_id: str, seq: int) -> LedgerEntry | None:
        doc = await self._ledger.find_one({"_id": entry_id(merchant_id, seq)})
        return None if doc is None else LedgerEntry.model_validate(doc)

    async def entry_for(self, merchant_id: str, kind: str, reference: str) -> LedgerEntry | None:
        doc = await self._ledger.find_one({"merchant_id": merchant_id, "kind": kind, "reference": reference})
        return None if doc is None else LedgerEntry.model_validate(doc)

    async def claim(self, entry: LedgerEntry) -> bool:
        return await self._claims.insert_one(entry.model_dump(by_alias=True))

    async def advance(self, wallet: Wallet, moved: Wallet) -> bool:
        where = {"_id": wallet.merchant_id, **wallet.model_dump(include=set(MOVE_DEPENDS_ON))}
        result = await self._wallets.update_one(
            where, {"$set": moved.model_dump(include=moved_fields(moved))}
        )
        return result.matched_count == 1

    async def change_settings(self, wallet: Wallet, changed: Wallet) -> bool:
        where = {"_id": wallet.merchant_id, **wallet.model_dump(include={"seq", *SETTINGS})}
        result = await self._wallets.update_one(where, {"$set": changed.model_dump(include=set(SETTINGS))})
        return result.matched_count == 1

    async def note_alert(self, merchant_id: str, seq: int, outcome: str | None) -> None:
        noted: Doc = {"low_alert.notified": True}
        if outcome is not None:
            noted["low_alert.outcome"] = outcome
        await self._wallets.update_one({"_id": merchant_id, "low_alert.seq": seq}, {"$set": noted})


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    await db[LedgerEntry.COLLECTION].create_index(
        [("merchant_id", ASCENDING), ("kind", ASCENDING), ("reference", ASCENDING)],
        unique=True,
        name="one_entry_per_reference",
    )
    await db[LedgerEntry.COLLECTION].create_index([("merchant_id", ASCENDING), ("seq", DESCENDING)])
