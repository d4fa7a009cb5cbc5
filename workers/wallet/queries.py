"""Wallet's read side: a merchant's balance and its newest ledger entries, its statement
(a period's entries with opening and closing balance, paged or streamed), and the wallets
whose balance their ledger does not explain (for the audit)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from juhe.store.pages import keyset_page
from workers.wallet.model import Kind, LedgerEntry, Wallet

Doc = dict[str, Any]
NEWEST = 500


#: Entries read from the store per round trip when a statement is streamed.
STREAM_BATCH = 1000


class LedgerLine(BaseModel):
    seq: int
    amount: int
    balance_after: int
    kind: str
    reference: str
    at: datetime
    reason: str | None = None


class WalletView(BaseModel):
    balance: int
    entries: list[LedgerLine]
    #: What may go below zero: a debit may take the balance down to -credit_limit.
    credit_limit: int = 0
    #: Held by the merchant's orders awaiting funds (the sum of what they will be charged).
    pending: int = 0


@dataclass(frozen=True)
class StatementFilter:
    """A merchant's entries at or after `start` and before `end`, of one kind if given."""

    merchant_id: str
    start: datetime | None = None
    end: datetime | None = None
    kind: Kind | None = None

    def query(self) -> Doc:
        query: Doc = {"merchant_id": self.merchant_id}
        at = {op: t for op, t in (("$gte", self.start), ("$lt", self.end)) if t is not None}
        if at:
            query["at"] = at
        if self.kind is not None:
            query["kind"] = self.kind
        return query


class Statement(BaseModel):
    """The period's balances (whatever the kind filter) and one page of its entries, oldest first."""

    opening_balance: int
    closing_balance: int
    items: list[LedgerLine]
    #: Pass it back as `cursor` for the next page; null on the last one.
    next_cursor: str | None


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
        wallet = await self._db[Wallet.COLLECTION].find_one({"_id": merchant_id})
        limit = 0 if wallet is None else Wallet.model_validate(wallet).credit_limit
        balance = entries[0].balance_after if entries else 0
        return WalletView(balance=balance, entries=entries, credit_limit=limit)

    async def statement(self, where: StatementFilter, *, limit: int, cursor: str | None) -> Statement:
        ledger = self._db[LedgerEntry.COLLECTION]
        docs, next_cursor = await keyset_page(
            ledger, where.query(), field="_id", limit=limit, cursor=cursor, descending=False
        )
        return Statement(
            opening_balance=0
            if where.start is None
            else await self._balance_before(where.merchant_id, where.start),
            closing_balance=await self._balance_before(where.merchant_id, where.end),
            items=[LedgerLine.model_validate(doc) for doc in docs],
            next_cursor=next_cursor,
        )

    async def statement_lines(self, where: StatementFilter) -> AsyncIterator[LedgerLine]:
        """Every entry of the statement in page order, read a batch at a time (never all at once)."""
        cursor = self._db[LedgerEntry.COLLECTION].find(where.query()).sort("_id", 1).batch_size(STREAM_BATCH)
        async for doc in cursor:
            yield LedgerLine.model_validate(doc)

    async def _balance_before(self, merchant_id: str, moment: datetime | None) -> int:
        """The balance just before `moment` (None: now): the last entry before it says it."""
        query: Doc = {"merchant_id": merchant_id}
        if moment is not None:
            query["at"] = {"$lt": moment}
        last = await self._db[LedgerEntry.COLLECTION].find_one(query, sort=[("seq", -1)])
        return 0 if last is None else LedgerEntry.model_validate(last).balance_after

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
