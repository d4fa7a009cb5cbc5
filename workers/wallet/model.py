"""Wallet's aggregates: a merchant's balance, and the ledger entries that explain it.

The ledger is the log and the wallet its projection, advanced by sequence number: a change
claims ledger slot `seq + 1`, then moves the wallet from `seq` to `seq + 1`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Document(BaseModel):
    """A stored aggregate: immutable here, its `_id` mapped to a named field."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)


def entry_id(merchant_id: str, seq: int) -> str:
    """Ledger ids sort by sequence within a merchant; taking one is claiming that slot."""
    return f"{merchant_id}:{seq:012d}"


class LedgerEntry(Document):
    """One change of a merchant's balance; one per merchant, kind and reference."""

    COLLECTION: ClassVar[str] = "ledger"
    id: str = Field(alias="_id")
    merchant_id: str
    seq: int
    amount: int
    balance_after: int
    kind: str
    reference: str
    at: datetime


class Wallet(Document):
    """A merchant's balance as of ledger entry `seq`; it may not go below `-credit_limit`."""

    COLLECTION: ClassVar[str] = "wallets"
    merchant_id: str = Field(alias="_id")
    balance: int = 0
    seq: int = 0
    credit_limit: int = 0

    def can_pay(self, amount: int) -> bool:
        return self.balance - amount >= -self.credit_limit

    def next_entry(self, amount: int, kind: str, reference: str, at: datetime) -> LedgerEntry:
        """The entry that would take the next slot."""
        seq = self.seq + 1
        return LedgerEntry(
            id=entry_id(self.merchant_id, seq),
            merchant_id=self.merchant_id,
            seq=seq,
            amount=amount,
            balance_after=self.balance + amount,
            kind=kind,
            reference=reference,
            at=at,
        )

    def advanced_to(self, entry: LedgerEntry) -> Wallet:
        return self.model_copy(update={"balance": entry.balance_after, "seq": entry.seq})

    def violations(self, ledger_sum: int, last_balance_after: int) -> list[str]:
        """The per-merchant invariants of DESIGN.md this wallet breaks, each as a readable line."""
        problems = []
        if self.balance != ledger_sum or last_balance_after != ledger_sum:
            problems.append(f"balance {self.balance} != ledger sum {ledger_sum}")
        if self.balance < -self.credit_limit:
            problems.append(f"balance {self.balance} below its credit limit")
        return problems


@dataclass(frozen=True)
class Insufficient:
    """A debit refused: the balance it would have come from."""

    balance: int
