"""A wallet's next ledger entry, and the per-merchant invariants the audit checks."""

from __future__ import annotations

from schemas.envelope import utcnow
from workers.wallet.model import LedgerEntry, Wallet


def test_the_next_entry_takes_the_next_slot_and_carries_the_balance() -> None:
    at = utcnow()
    entry = Wallet(merchant_id="m1", balance=700, seq=4).next_entry(-200, "order_debit", "o1", at)
    assert entry == LedgerEntry(
        id="m1:000000000005",
        merchant_id="m1",
        seq=5,
        amount=-200,
        balance_after=500,
        kind="order_debit",
        reference="o1",
        at=at,
    )
    assert entry.model_dump(by_alias=True)["_id"] == "m1:000000000005"


def test_a_wallet_its_ledger_explains_breaks_nothing() -> None:
    assert Wallet(merchant_id="m1", balance=-300, seq=2, credit_limit=300).violations(-300, -300) == []


def test_each_broken_invariant_is_named() -> None:
    assert Wallet(merchant_id="m1", balance=100).violations(100, 90) == ["balance 100 != ledger sum 100"]
    assert Wallet(merchant_id="m1", balance=-1).violations(0, 0) == [
        "balance -1 != ledger sum 0",
        "balance -1 below its credit limit",
    ]
