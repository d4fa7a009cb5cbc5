"""Wallet values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Wallet:
    merchant_id: str
    balance: int
    seq: int
    credit_limit: int = 0

    def can_pay(self, amount: int) -> bool:
        return self.balance - amount >= -self.credit_limit


@dataclass(frozen=True)
class LedgerEntry:
    merchant_id: str
    seq: int
    amount: int
    balance_after: int
    kind: str
    reference: str
    at: datetime


@dataclass(frozen=True)
class Insufficient:
    balance: int


def entry_id(merchant_id: str, seq: int) -> str:
    """Ledger ids sort by sequence within a merchant; taking one is claiming that slot."""
    return f"{merchant_id}:{seq:012d}"
