"""Wallet's aggregates: a merchant's balance, and the ledger entries that explain it.

The ledger is the log and the wallet its projection, advanced by sequence number: a change
claims ledger slot `seq + 1`, then moves the wallet from `seq` to `seq + 1`. The settings the
money rules read (credit limit, low-balance threshold) live in the wallet document too, so
the funds check and the low-balance crossing are decided on the document they change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

TOP_UP = "top_up"
ORDER_DEBIT = "order_debit"
REFUND_CREDIT = "refund_credit"
ADJUSTMENT = "adjustment"
Kind = Literal["top_up", "order_debit", "refund_credit", "adjustment"]


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
    #: Why an operator adjusted the balance; None for every other kind.
    reason: str | None = None


class LowBalanceAlert(Document):
    """The last downward crossing of the threshold: ledger entry `seq` took the balance there."""

    seq: int
    balance: int
    threshold: int
    #: The push is made (or there was no notify_url): a repeat of the change does not send it again.
    notified: bool = False
    #: How the push ended: `low_balance_notified` or `low_balance_notified_failed`.
    outcome: str | None = None


class Wallet(Document):
    """A merchant's balance as of ledger entry `seq`; it may not go below `-credit_limit`."""

    COLLECTION: ClassVar[str] = "wallets"
    merchant_id: str = Field(alias="_id")
    balance: int = 0
    seq: int = 0
    credit_limit: int = 0
    low_balance_threshold: int | None = None
    notify_url: str | None = None
    #: Signs the pushes to `notify_url`; generated when the URL is set.
    notify_secret: str | None = None
    low_alert: LowBalanceAlert | None = None

    @property
    def spendable(self) -> int:
        """What a debit may take: the balance and the credit limit below zero."""
        return self.balance + self.credit_limit

    def can_pay(self, amount: int) -> bool:
        return amount <= self.spendable

    def is_low(self, balance: int) -> bool:
        return self.low_balance_threshold is not None and balance < self.low_balance_threshold

    def crosses_low(self, balance_after: int) -> bool:
        """Only a move from at-or-above the threshold to below it: staying low is no crossing,
        and coming back up to the threshold re-arms it."""
        return not self.is_low(self.balance) and self.is_low(balance_after)

    def next_entry(
        self, amount: int, kind: str, reference: str, at: datetime, reason: str | None = None
    ) -> LedgerEntry:
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
            reason=reason,
        )

    def advanced_to(self, entry: LedgerEntry) -> Wallet:
        """The wallet moved to the entry, with the crossing it makes recorded in the same change."""
        moved = {"balance": entry.balance_after, "seq": entry.seq}
        if self.crosses_low(entry.balance_after):
            assert self.low_balance_threshold is not None  # crossing implies a threshold
            alert = LowBalanceAlert(
                seq=entry.seq,
                balance=entry.balance_after,
                threshold=self.low_balance_threshold,
                notified=self.notify_url is None,
            )
            return self.model_copy(update={**moved, "low_alert": alert})
        return self.model_copy(update=moved)

    @property
    def crossed_here(self) -> bool:
        """The move to this `seq` made the last crossing (so the move must record it)."""
        return self.low_alert is not None and self.low_alert.seq == self.seq

    def crossed_at(self, seq: int) -> bool:
        """Entry `seq` made the last crossing, and its push is still to be made."""
        return self.low_alert is not None and self.low_alert.seq == seq and not self.low_alert.notified

    def with_settings(
        self, credit_limit: int, threshold: int | None, notify_url: str | None, proposed_secret: str
    ) -> Wallet:
        """A new notify URL gets the proposed secret; the same URL keeps the one it has."""
        secret = None if notify_url is None else self.notify_secret
        if notify_url is not None and (notify_url != self.notify_url or secret is None):
            secret = proposed_secret
        changes = {
            "credit_limit": credit_limit,
            "low_balance_threshold": threshold,
            "notify_url": notify_url,
            "notify_secret": secret,
        }
        return self.model_copy(update=changes)

    def limit_refusal(self, credit_limit: int) -> str | None:
        """A limit the balance is already below cannot be set: it would break the invariant."""
        if self.balance < -credit_limit:
            return f"credit_limit: the balance {self.balance} is already below -{credit_limit}"
        return None

    def violations(self, ledger_sum: int, last_balance_after: int) -> list[str]:
        """The per-merchant invariants of DESIGN.md this wallet breaks, each as a readable line."""
        problems = []
        if self.balance != ledger_sum or last_balance_after != ledger_sum:
            problems.append(f"balance {self.balance} != ledger sum {ledger_sum}")
        if self.balance < -self.credit_limit:
            problems.append(f"balance {self.balance} below its credit limit")
        return problems


#: What the operator sets; a settings change is conditioned on all of it and on `seq`.
SETTINGS = frozenset({"credit_limit", "low_balance_threshold", "notify_url", "notify_secret"})
#: What a move's outcome depends on besides the balance: it is conditioned on these as read.
MOVE_DEPENDS_ON = frozenset({"seq", "low_balance_threshold", "notify_url"})


def moved_fields(moved: Wallet) -> set[str]:
    """What a move writes: the balance and seq, and the crossing only when this move made it
    (rewriting an older one would undo its `notified` mark)."""
    return {"balance", "seq", "low_alert"} if moved.crossed_here else {"balance", "seq"}


@dataclass(frozen=True)
class Insufficient:
    """A debit refused: the balance it would have come from."""

    balance: int
