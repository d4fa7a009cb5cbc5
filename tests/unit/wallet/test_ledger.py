"""Wallet rules against the in-memory twin: debit once, refuse without funds, credit a reference
once, and a ledger slot claimed by a writer that died is applied by the next one."""

from __future__ import annotations

from schemas.commands import CreditWallet, DebitWallet
from schemas.envelope import utcnow
from schemas.events import FundsInsufficient, WalletCredited, WalletDebited
from workers.wallet.handlers import ledger as handlers
from workers.wallet.memory import MemoryWallet
from workers.wallet.model import LedgerEntry, Wallet


def debit(key: str, amount: int) -> DebitWallet:
    return DebitWallet(correlation_id=key, order_key=key, merchant_id="m1", amount=amount)


def credit(reference: str, amount: int) -> CreditWallet:
    return CreditWallet(
        correlation_id="m1", merchant_id="m1", amount=amount, kind="top_up", reference=reference
    )


def ledger(repo: MemoryWallet) -> list[tuple[int, int, str, str, int]]:
    return [(e.seq, e.amount, e.kind, e.reference, e.balance_after) for e in repo.ledger]


async def funded(amount: int) -> MemoryWallet:
    repo = MemoryWallet()
    await handlers.credit_wallet(credit("seed", amount), repo=repo)
    return repo


async def test_debit_without_funds_is_an_event_and_moves_nothing() -> None:
    repo = MemoryWallet()
    [event] = await handlers.debit_wallet(debit("o1", 500), repo=repo)
    assert isinstance(event, FundsInsufficient)
    assert (event.amount, event.balance) == (500, 0)
    assert repo.ledger == []


async def test_the_same_debit_twice_charges_once() -> None:
    repo = MemoryWallet()
    top_up = CreditWallet(correlation_id="m1", merchant_id="m1", amount=1000, kind="top_up", reference="r1")
    [credited] = await handlers.credit_wallet(top_up, repo=repo)
    assert isinstance(credited, WalletCredited)
    first = await handlers.debit_wallet(debit("o1", 300), repo=repo)
    second = await handlers.debit_wallet(debit("o1", 300), repo=repo)
    assert isinstance(first[0], WalletDebited)
    assert [(e.balance_after, e.amount) for e in (first[0], second[0])] == [(700, 300), (700, 300)]  # type: ignore[union-attr]
    assert [e.amount for e in repo.ledger] == [1000, -300]


async def test_a_debit_of_the_whole_balance_leaves_exactly_zero() -> None:
    repo = await funded(1000)
    [event] = await handlers.debit_wallet(debit("o1", 1000), repo=repo)
    assert event == WalletDebited(
        correlation_id="o1",
        merchant_id="m1",
        order_key="o1",
        amount=1000,
        balance_after=0,
        occurred_at=event.occurred_at,
    )
    assert ledger(repo) == [(1, 1000, "top_up", "seed", 1000), (2, -1000, "order_debit", "o1", 0)]
    assert (repo.wallets["m1"].balance, repo.wallets["m1"].seq) == (0, 2)


async def test_one_fen_short_is_refused_with_nothing_written() -> None:
    repo = await funded(999)
    [event] = await handlers.debit_wallet(debit("o1", 1000), repo=repo)
    assert event == FundsInsufficient(
        correlation_id="o1",
        merchant_id="m1",
        order_key="o1",
        amount=1000,
        balance=999,
        occurred_at=event.occurred_at,
    )
    assert ledger(repo) == [(1, 999, "top_up", "seed", 999)]
    assert (repo.wallets["m1"].balance, repo.wallets["m1"].seq) == (999, 1)


async def test_a_credit_limit_lets_the_balance_go_that_far_below_zero_and_no_further() -> None:
    repo = MemoryWallet()
    repo.wallets["m1"] = Wallet(merchant_id="m1", credit_limit=500)
    [paid] = await handlers.debit_wallet(debit("o1", 500), repo=repo)
    [refused] = await handlers.debit_wallet(debit("o2", 1), repo=repo)
    assert isinstance(paid, WalletDebited)
    assert paid.balance_after == -500
    assert isinstance(refused, FundsInsufficient)
    assert refused.balance == -500
    assert ledger(repo) == [(1, -500, "order_debit", "o1", -500)]


async def test_a_top_up_reference_credited_twice_counts_once() -> None:
    repo = MemoryWallet()
    [first] = await handlers.credit_wallet(credit("r1", 1000), repo=repo)
    [again] = await handlers.credit_wallet(credit("r1", 1000), repo=repo)
    assert isinstance(first, WalletCredited)
    assert isinstance(again, WalletCredited)
    assert [(e.amount, e.reference, e.balance_after) for e in (first, again)] == [(1000, "r1", 1000)] * 2
    assert ledger(repo) == [(1, 1000, "top_up", "r1", 1000)]
    assert repo.wallets["m1"].balance == 1000


async def test_a_repeated_debit_answers_the_first_even_when_the_balance_has_gone() -> None:
    """The redelivery of a paid order is the payment it made, not a refusal for lack of funds."""
    repo = await funded(1000)
    await handlers.debit_wallet(debit("o1", 800), repo=repo)
    await handlers.debit_wallet(debit("o2", 200), repo=repo)
    [again] = await handlers.debit_wallet(debit("o1", 800), repo=repo)
    assert isinstance(again, WalletDebited)
    assert (again.amount, again.balance_after) == (800, 200)
    assert [e.amount for e in repo.ledger] == [1000, -800, -200]
    assert repo.wallets["m1"].balance == 0


async def test_a_claimed_slot_never_applied_is_applied_first_by_the_next_writer() -> None:
    """A writer died between claiming slot 2 and moving the wallet: the next change applies it."""
    repo = await funded(1000)
    wallet = await repo.wallet("m1")
    assert await repo.claim(wallet.next_entry(-300, "order_debit", "o1", utcnow()))
    assert (repo.wallets["m1"].balance, repo.wallets["m1"].seq) == (1000, 1)

    [event] = await handlers.debit_wallet(debit("o2", 700), repo=repo)
    assert isinstance(event, WalletDebited)
    assert event.balance_after == 0
    assert ledger(repo) == [
        (1, 1000, "top_up", "seed", 1000),
        (2, -300, "order_debit", "o1", 700),
        (3, -700, "order_debit", "o2", 0),
    ]
    assert (repo.wallets["m1"].balance, repo.wallets["m1"].seq) == (0, 3)


async def test_the_died_writers_own_redelivery_finds_its_claimed_entry() -> None:
    repo = await funded(1000)
    wallet = await repo.wallet("m1")
    await repo.claim(wallet.next_entry(-300, "order_debit", "o1", utcnow()))
    [event] = await handlers.debit_wallet(debit("o1", 300), repo=repo)
    assert isinstance(event, WalletDebited)
    assert (event.amount, event.balance_after) == (300, 700)
    assert [e.amount for e in repo.ledger] == [1000, -300]
    assert (repo.wallets["m1"].balance, repo.wallets["m1"].seq) == (700, 2)


async def test_a_claimed_slot_counts_in_the_funds_check() -> None:
    """The balance a debit is checked against includes the entry claimed before it."""
    repo = await funded(1000)
    wallet = await repo.wallet("m1")
    await repo.claim(wallet.next_entry(-800, "order_debit", "o1", utcnow()))
    [event] = await handlers.debit_wallet(debit("o2", 300), repo=repo)
    assert isinstance(event, FundsInsufficient)
    assert event.balance == 200
    assert [e.reference for e in repo.ledger] == ["seed", "o1"]
    assert (repo.wallets["m1"].balance, repo.wallets["m1"].seq) == (200, 2)


async def test_a_claimed_credit_not_yet_applied_pays_for_the_next_debit() -> None:
    """The wallet as stored is short, but a top-up claimed before the debit covers it."""
    repo = MemoryWallet()
    wallet = await repo.wallet("m1")
    assert await repo.claim(wallet.next_entry(500, "top_up", "t1", utcnow()))
    [event] = await handlers.debit_wallet(debit("o1", 300), repo=repo)
    assert isinstance(event, WalletDebited)
    assert event.balance_after == 200
    assert [e.amount for e in repo.ledger] == [500, -300]
    assert (repo.wallets["m1"].balance, repo.wallets["m1"].seq) == (200, 2)


class CountingWallet(MemoryWallet):
    """Names the repository calls a handler makes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    async def wallet(self, merchant_id: str) -> Wallet:
        self.calls.append("wallet")
        return await super().wallet(merchant_id)

    async def entry(self, merchant_id: str, seq: int) -> LedgerEntry | None:
        self.calls.append("entry")
        return await super().entry(merchant_id, seq)

    async def entry_for(self, merchant_id: str, kind: str, reference: str) -> LedgerEntry | None:
        self.calls.append("entry_for")
        return await super().entry_for(merchant_id, kind, reference)

    async def claim(self, entry: LedgerEntry) -> bool:
        self.calls.append("claim")
        mark = len(self.calls)
        claimed = await super().claim(entry)
        del self.calls[mark:]  # the twin's own uniqueness check is part of the one insert
        return claimed

    async def advance(self, wallet: Wallet, moved: Wallet) -> bool:
        self.calls.append("advance")
        return await super().advance(wallet, moved)


async def test_a_debit_with_nothing_pending_reads_claims_and_moves_once_each() -> None:
    repo = CountingWallet()
    await handlers.credit_wallet(credit("seed", 1000), repo=repo)
    repo.calls.clear()
    [event] = await handlers.debit_wallet(debit("o1", 300), repo=repo)
    assert isinstance(event, WalletDebited)
    assert repo.calls == ["wallet", "claim", "advance"]
