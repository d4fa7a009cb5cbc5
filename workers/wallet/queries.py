"""Wallet's read side: a merchant's balance and its newest ledger entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

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


class WalletQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def wallet(self, merchant_id: str) -> WalletView:
        """The newest ledger entry is authoritative even if the wallet projection lags a crash."""
        cursor = self._db["ledger"].find({"merchant_id": merchant_id}).sort("seq", -1).limit(NEWEST)
        entries = [LedgerLine.model_validate(doc) async for doc in cursor]
        return WalletView(balance=entries[0].balance_after if entries else 0, entries=entries)
