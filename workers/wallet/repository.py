"""The ledger is the log; the wallet document is its projection, advanced by sequence number.

A change claims ledger slot `seq + 1` by inserting it (unique `_id`), then moves the wallet from
`seq` to `seq + 1` with the sequence in the filter. A crash in between leaves a claimed slot that
the next writer applies before it retries, so balance == sum(ledger) at every quiet moment.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Protocol

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from schemas.envelope import utcnow
from workers.wallet.model import Insufficient, LedgerEntry, Wallet, entry_id

WALLETS = "wallets"
LEDGER = "ledger"
_MAX_ATTEMPTS = 50


class WalletRepository(Protocol):
    async def apply(
        self, merchant_id: str, amount: int, kind: str, reference: str, *, check_funds: bool
    ) -> LedgerEntry | Insufficient: ...


def _entry(doc: dict[str, Any]) -> LedgerEntry:
    return LedgerEntry(**{k: doc[k] for k in LedgerEntry.__dataclass_fields__})


class MongoWalletRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._wallets = db[WALLETS]
        self._ledger = db[LEDGER]

    async def apply(
        self, merchant_id: str, amount: int, kind: str, reference: str, *, check_funds: bool
    ) -> LedgerEntry | Insufficient:
        """Append one entry (once per merchant, kind and reference) and move the balance."""
        for _ in range(_MAX_ATTEMPTS):
            wallet = await self._catch_up(merchant_id)
            if check_funds and not wallet.can_pay(-amount):
                return await self._find(merchant_id, kind, reference) or Insufficient(wallet.balance)
            entry = LedgerEntry(
                merchant_id,
                wallet.seq + 1,
                amount,
                wallet.balance + amount,
                kind,
                reference,
                utcnow(),
            )
            try:
                await self._ledger.insert_one({"_id": entry_id(merchant_id, entry.seq), **asdict(entry)})
            except DuplicateKeyError:
                prior = await self._find(merchant_id, kind, reference)
                if prior is not None:
                    await self._catch_up(merchant_id)
                    return prior
                continue  # another change took the slot: apply it, then try again
            await self._advance(wallet, entry)
            return entry
        raise RuntimeError(f"wallet {merchant_id}: too much contention, will be redelivered")

    async def _load(self, merchant_id: str) -> Wallet:
        try:
            doc = await self._wallets.find_one_and_update(
                {"_id": merchant_id},
                {"$setOnInsert": {"balance": 0, "seq": 0, "credit_limit": 0}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:  # a concurrent first use created it
            doc = await self._wallets.find_one({"_id": merchant_id})
        assert doc is not None
        return Wallet(merchant_id, doc["balance"], doc["seq"], doc.get("credit_limit", 0))

    async def _catch_up(self, merchant_id: str) -> Wallet:
        """Apply ledger entries claimed but not yet projected (a writer died in between)."""
        wallet = await self._load(merchant_id)
        while nxt := await self._ledger.find_one({"_id": entry_id(merchant_id, wallet.seq + 1)}):
            await self._advance(wallet, _entry(nxt))
            wallet = await self._load(merchant_id)
        return wallet

    async def _advance(self, wallet: Wallet, entry: LedgerEntry) -> None:
        await self._wallets.update_one(
            {"_id": wallet.merchant_id, "seq": wallet.seq},
            {"$set": {"balance": entry.balance_after, "seq": entry.seq}},
        )

    async def _find(self, merchant_id: str, kind: str, reference: str) -> LedgerEntry | None:
        doc = await self._ledger.find_one({"merchant_id": merchant_id, "kind": kind, "reference": reference})
        return _entry(doc) if doc else None


async def ensure_indexes(db: AsyncDatabase[dict[str, Any]]) -> None:
    await db[LEDGER].create_index(
        [("merchant_id", ASCENDING), ("kind", ASCENDING), ("reference", ASCENDING)],
        unique=True,
        name="one_entry_per_reference",
    )
    await db[LEDGER].create_index([("merchant_id", ASCENDING), ("seq", DESCENDING)])
