"""Wallet rules against the in-memory twin: debit once, refuse without funds."""

from __future__ import annotations

from schemas.commands import CreditWallet, DebitWallet
from schemas.events import FundsInsufficient, WalletCredited, WalletDebited
from tests.unit.fakes import MemoryWallets
from workers.wallet import handlers


def debit(key: str, amount: int) -> DebitWallet:
    return DebitWallet(correlation_id=key, order_key=key, merchant_id="m1", amount=amount)


async def test_debit_without_funds_is_an_event_and_moves_nothing() -> None:
    repo = MemoryWallets()
    [event] = await handlers.debit_wallet(debit("o1", 500), repo=repo)
    assert isinstance(event, FundsInsufficient)
    assert (event.amount, event.balance) == (500, 0)
    assert repo.ledger == []


async def test_the_same_debit_twice_charges_once() -> None:
    repo = MemoryWallets()
    top_up = CreditWallet(correlation_id="m1", merchant_id="m1", amount=1000, kind="top_up", reference="r1")
    [credited] = await handlers.credit_wallet(top_up, repo=repo)
    assert isinstance(credited, WalletCredited)
    first = await handlers.debit_wallet(debit("o1", 300), repo=repo)
    second = await handlers.debit_wallet(debit("o1", 300), repo=repo)
    assert isinstance(first[0], WalletDebited)
    assert [(e.balance_after, e.amount) for e in (first[0], second[0])] == [(700, 300), (700, 300)]  # type: ignore[union-attr]
    assert [e.amount for e in repo.ledger] == [1000, -300]
