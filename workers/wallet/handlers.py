"""Wallet rules: debit an order once, credit a reference once; refusal is an event.

A change claims ledger slot `seq + 1` (the slot's id is unique, and so is the merchant, kind
and reference of an entry), then moves the wallet from `seq` to `seq + 1` with the sequence in
the update's condition. A crash in between leaves a claimed slot that the next writer applies
before its own change, so balance == sum(ledger) at every quiet moment.
"""

from __future__ import annotations

from typing import Protocol

from schemas.commands import CreditWallet, DebitWallet
from schemas.envelope import Message, utcnow
from schemas.events import FundsInsufficient, WalletCredited, WalletDebited
from workers.wallet.model import Insufficient, LedgerEntry, Wallet

ORDER_DEBIT = "order_debit"
#: Claims lost to concurrent writers before giving up (the message is then redelivered).
MAX_ATTEMPTS = 50


class WalletRepository(Protocol):
    """Each call is one atomic change or read of one document."""

    async def wallet(self, merchant_id: str) -> Wallet:
        """The merchant's wallet, created at zero on first use."""
        ...

    async def entry(self, merchant_id: str, seq: int) -> LedgerEntry | None:
        """The entry in slot `seq`, if claimed."""
        ...

    async def entry_for(self, merchant_id: str, kind: str, reference: str) -> LedgerEntry | None: ...

    async def claim(self, entry: LedgerEntry) -> bool:
        """Store the entry; False if its slot, or its kind and reference, are already taken."""
        ...

    async def advance(self, wallet: Wallet, entry: LedgerEntry) -> None:
        """Move the wallet to the entry, only if it still stands where `wallet` does."""
        ...


async def debit_wallet(cmd: DebitWallet, *, repo: WalletRepository) -> list[Message]:
    result = await append(repo, cmd.merchant_id, -cmd.amount, ORDER_DEBIT, cmd.order_key, check_funds=True)
    if isinstance(result, Insufficient):
        return [
            FundsInsufficient(
                correlation_id=cmd.order_key,
                merchant_id=cmd.merchant_id,
                order_key=cmd.order_key,
                amount=cmd.amount,
                balance=result.balance,
            )
        ]
    return [
        WalletDebited(
            correlation_id=cmd.order_key,
            merchant_id=cmd.merchant_id,
            order_key=cmd.order_key,
            amount=-result.amount,
            balance_after=result.balance_after,
        )
    ]


async def credit_wallet(cmd: CreditWallet, *, repo: WalletRepository) -> list[Message]:
    result = await append(repo, cmd.merchant_id, cmd.amount, cmd.kind, cmd.reference, check_funds=False)
    assert not isinstance(result, Insufficient)  # only a debit checks funds
    return [
        WalletCredited(
            correlation_id=cmd.correlation_id,
            merchant_id=cmd.merchant_id,
            amount=result.amount,
            kind=cmd.kind,
            reference=cmd.reference,
            balance_after=result.balance_after,
        )
    ]


async def append(
    repo: WalletRepository, merchant_id: str, amount: int, kind: str, reference: str, *, check_funds: bool
) -> LedgerEntry | Insufficient:
    """One entry per merchant, kind and reference; a repeat gets the entry made the first time."""
    for _ in range(MAX_ATTEMPTS):
        wallet = await catch_up(repo, merchant_id)
        if check_funds and not wallet.can_pay(-amount):
            return await repo.entry_for(merchant_id, kind, reference) or Insufficient(wallet.balance)
        entry = wallet.next_entry(amount, kind, reference, utcnow())
        if await repo.claim(entry):
            await repo.advance(wallet, entry)
            return entry
        prior = await repo.entry_for(merchant_id, kind, reference)
        if prior is not None:
            await catch_up(repo, merchant_id)
            return prior
        # Another change took the slot: the next round applies it, then tries again.
    raise RuntimeError(f"wallet {merchant_id}: too much contention, will be redelivered")


async def catch_up(repo: WalletRepository, merchant_id: str) -> Wallet:
    """Apply the entries claimed but not yet applied (their writer died in between)."""
    wallet = await repo.wallet(merchant_id)
    while (claimed := await repo.entry(merchant_id, wallet.seq + 1)) is not None:
        await repo.advance(wallet, claimed)
        wallet = await repo.wallet(merchant_id)
    return wallet
