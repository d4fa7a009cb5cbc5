"""Wallet's read side: a merchant's balance and its newest ledger entries, and the wallets
whose balance their ledger does not explain (for the audit)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from workers.wallet.model import LedgerEntry, Wallet

Doc = dict[str, Any]
NEWEST = 500


class LedgerLine(BaseModel):
    amount: int
    balance_after: int
    kind: str
    reference: str
    at: datetime


class WalletView(BaseModel):
    balance: int
    entries: list[LedgerLine]


class WalletMismatch(BaseModel):
    """A wallet that breaks the invariants, with each broken one described."""

    merchant_id: str
    problems: list[str]


class WalletQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def wallet(self, merchant_id: str) -> WalletView:
        """The newest ledger entry is authoritative even if the wallet projection lags a crash."""
        ledger = self._db[LedgerEntry.COLLECTION]
        cursor = ledger.find({"merchant_id": merchant_id}).sort("seq", -1).limit(NEWEST)
        entries = [LedgerLine.model_validate(doc) async for doc in cursor]
        return WalletView(balance=entries[0].balance_after if entries else 0, entries=entries)

    async def ledger_mismatches(self) -> list[WalletMismatch]:
        """Every wallet whose balance is not the sum of its ledger, or is below its credit limit."""
        sums: Counter[str] = Counter()
        last_balance: dict[str, int] = {}
        cursor = self._db[LedgerEntry.COLLECTION].find().sort([("merchant_id", 1), ("seq", 1)])
        async for doc in cursor:
            entry = LedgerEntry.model_validate(doc)
            sums[entry.merchant_id] += entry.amount
            last_balance[entry.merchant_id] = entry.balance_after
        mismatches = []
        async for doc in self._db[Wallet.COLLECTION].find():
            wallet = Wallet.model_validate(doc)
            merchant = wallet.merchant_id
            if problems := wallet.violations(sums[merchant], last_balance.get(merchant, 0)):
                mismatches.append(WalletMismatch(merchant_id=merchant, problems=problems))
        return mismatches
