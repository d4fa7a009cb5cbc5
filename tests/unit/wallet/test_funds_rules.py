"""Merchant funds rules on the in-memory twin: the credit limit, operator adjustments, the
settings (limit, threshold, notify URL and its secret) and the low-balance crossing."""

from __future__ import annotations

from schemas.commands import CreditWallet, DebitWallet
from schemas.envelope import Message, utcnow
from schemas.events import FundsInsufficient, WalletCredited, WalletDebited
from schemas.wallet import (
    AdjustmentRefused,
    AdjustWallet,
    ChangeWalletSettings,
    NotifyLowBalance,
    WalletAdjusted,
)
from schemas.wallet import WalletLowBalance as Low
from workers.wallet.handlers import ledger, settings
from workers.wallet.memory import MemoryWallet
from workers.wallet.model import LedgerEntry

URL = "https://merchant.example/alerts"


def debit(key: str, amount: int) -> DebitWallet:
    return DebitWallet(correlation_id=key, order_key=key, merchant_id="m1", amount=amount)


def top_up(reference: str, amount: int) -> CreditWallet:
    return CreditWallet(
        correlation_id="m1", merchant_id="m1", amount=amount, kind="top_up", reference=reference
    )


def adjust(reference: str, amount: int) -> AdjustWallet:
    return AdjustWallet(
        correlation_id="m1", merchant_id="m1", amount=amount, reference=reference, reason="fix"
    )


def configure(
    limit: int = 0, threshold: int | None = None, url: str | None = None, secret: str = "s1"
) -> ChangeWalletSettings:
    return ChangeWalletSettings(
        correlation_id="m1",
        merchant_id="m1",
        credit_limit=limit,
        low_balance_threshold=threshold,
        notify_url=url,
        proposed_secret=secret,
    )


def lows(messages: list[Message]) -> list[tuple[str, int, int]]:
    """The alerts among `messages`: (message, seq, balance) for events and pushes alike."""
    found = [(m.NAME, m.seq, m.balance) for m in messages if isinstance(m, Low)]
    return found + [(m.NAME, m.seq, 0) for m in messages if isinstance(m, NotifyLowBalance)]


async def test_a_debit_may_reach_minus_the_limit_and_one_fen_more_waits() -> None:
    repo = MemoryWallet()
    body, _ = await settings.change_settings(configure(limit=500), repo=repo)
    assert body["credit_limit"] == 500
    [paid] = await ledger.debit_wallet(debit("o1", 500), repo=repo)
    [refused] = await ledger.debit_wallet(debit("o2", 1), repo=repo)
    assert isinstance(paid, WalletDebited)
    assert paid.balance_after == -500
    assert isinstance(refused, FundsInsufficient)
    assert (refused.amount, refused.balance) == (1, -500)
    assert [(e.seq, e.amount, e.balance_after) for e in repo.ledger] == [(1, -500, -500)]


async def test_a_limit_the_balance_is_already_below_is_refused_and_nothing_changes() -> None:
    repo = MemoryWallet()
    await settings.change_settings(configure(limit=500), repo=repo)
    await ledger.debit_wallet(debit("o1", 300), repo=repo)
    body, follow_ups = await settings.change_settings(configure(limit=200), repo=repo)
    assert body == {
        "error": {"code": "conflict", "message": "credit_limit: the balance -300 is already below -200"}
    }
    assert follow_ups == []
    assert repo.wallets["m1"].credit_limit == 500


async def test_a_negative_adjustment_respects_the_limit_and_writes_nothing_when_refused() -> None:
    repo = MemoryWallet()
    await ledger.credit_wallet(top_up("t1", 100), repo=repo)
    [refused] = await ledger.adjust_wallet(adjust("a1", -101), repo=repo)
    assert isinstance(refused, AdjustmentRefused)
    assert (refused.amount, refused.balance) == (-101, 100)
    [adjusted] = await ledger.adjust_wallet(adjust("a2", -100), repo=repo)
    assert isinstance(adjusted, WalletAdjusted)
    assert (adjusted.amount, adjusted.balance_after, adjusted.reason) == (-100, 0, "fix")
    assert [(e.kind, e.amount, e.reason) for e in repo.ledger] == [
        ("top_up", 100, None),
        ("adjustment", -100, "fix"),
    ]


async def test_a_positive_adjustment_is_money_in_once_per_reference() -> None:
    """It is also a credit, so the order saga resumes waiting orders on it."""
    repo = MemoryWallet()
    first = await ledger.adjust_wallet(adjust("a1", 250), repo=repo)
    again = await ledger.adjust_wallet(adjust("a1", 250), repo=repo)
    assert [type(m) for m in first] == [WalletAdjusted, WalletCredited]
    same = {"occurred_at"}
    assert [m.model_dump(exclude=same) for m in first] == [m.model_dump(exclude=same) for m in again]
    credit = first[1]
    assert isinstance(credit, WalletCredited)
    assert (credit.kind, credit.amount, credit.balance_after) == ("adjustment", 250, 250)
    assert [(e.seq, e.amount, e.reference) for e in repo.ledger] == [(1, 250, "a1")]


async def test_each_downward_crossing_alerts_once_and_a_top_up_above_rearms() -> None:
    repo = MemoryWallet()
    await settings.change_settings(configure(threshold=1000, url=URL), repo=repo)
    assert lows(await ledger.credit_wallet(top_up("t1", 2000), repo=repo)) == []
    crossing = await ledger.debit_wallet(debit("o1", 1500), repo=repo)
    assert lows(crossing) == [("wallet.low_balance", 2, 500), ("wallet.notify_low_balance", 2, 0)]
    assert lows(await ledger.debit_wallet(debit("o2", 100), repo=repo)) == []  # stays below
    assert lows(await ledger.credit_wallet(top_up("t2", 600), repo=repo)) == []  # 1000: re-armed
    again = await ledger.debit_wallet(debit("o3", 1), repo=repo)
    assert lows(again) == [("wallet.low_balance", 5, 999), ("wallet.notify_low_balance", 5, 0)]
    assert repo.wallets["m1"].low_alert is not None
    assert (repo.wallets["m1"].low_alert.seq, repo.wallets["m1"].low_alert.threshold) == (5, 1000)


async def test_without_a_notify_url_the_crossing_is_an_event_only() -> None:
    repo = MemoryWallet()
    await settings.change_settings(configure(threshold=100), repo=repo)
    await ledger.credit_wallet(top_up("t1", 100), repo=repo)
    assert lows(await ledger.debit_wallet(debit("o1", 1), repo=repo)) == [("wallet.low_balance", 2, 99)]


async def test_a_threshold_set_above_the_balance_is_no_crossing() -> None:
    repo = MemoryWallet()
    await ledger.credit_wallet(top_up("t1", 500), repo=repo)
    await settings.change_settings(configure(threshold=1000, url=URL), repo=repo)
    assert lows(await ledger.debit_wallet(debit("o1", 100), repo=repo)) == []


async def test_a_repeat_of_the_crossing_change_announces_it_again_until_the_push_is_made() -> None:
    """The first try may have died between the move and its publish."""
    repo = MemoryWallet()
    await settings.change_settings(configure(threshold=1000, url=URL), repo=repo)
    await ledger.credit_wallet(top_up("t1", 1000), repo=repo)
    first = await ledger.debit_wallet(debit("o1", 1), repo=repo)
    repeat = await ledger.debit_wallet(debit("o1", 1), repo=repo)
    assert (
        lows(repeat) == lows(first) == [("wallet.low_balance", 2, 999), ("wallet.notify_low_balance", 2, 0)]
    )
    assert [m.message_id for m in repeat] == [m.message_id for m in first]
    await repo.note_alert("m1", 2, None)
    assert lows(await ledger.debit_wallet(debit("o1", 1), repo=repo)) == []
    assert len(repo.ledger) == 2


async def test_a_move_is_not_made_on_a_threshold_that_changed_since_it_was_read() -> None:
    repo = MemoryWallet()
    await ledger.credit_wallet(top_up("t1", 1000), repo=repo)
    read = await repo.wallet("m1")
    await settings.change_settings(configure(threshold=900), repo=repo)
    entry = read.next_entry(-200, "order_debit", "o1", utcnow())
    assert await repo.claim(entry)
    assert not await repo.advance(read, read.advanced_to(entry))
    assert repo.wallets["m1"].seq == 1
    # The next change applies the claimed entry on the threshold in force, crossing included.
    out = await ledger.credit_wallet(top_up("t2", 1), repo=repo)
    assert lows(out) == [("wallet.low_balance", 2, 800)]
    assert (repo.wallets["m1"].balance, repo.wallets["m1"].seq) == (801, 3)


async def test_a_new_notify_url_gets_the_proposed_secret_shown_once() -> None:
    repo = MemoryWallet()
    set_url, _ = await settings.change_settings(configure(url=URL, secret="s1"), repo=repo)
    asked_again, _ = await settings.change_settings(configure(url=URL, secret="s1"), repo=repo)
    same_url, _ = await settings.change_settings(configure(limit=5, url=URL, secret="s2"), repo=repo)
    new_url, _ = await settings.change_settings(configure(url=URL + "/v2", secret="s3"), repo=repo)
    assert [b["notify_secret"] for b in (set_url, asked_again, same_url, new_url)] == ["s1", "s1", None, "s3"]
    assert same_url["credit_limit"] == 5
    removed, _ = await settings.change_settings(configure(), repo=repo)
    assert (removed["notify_url"], repo.wallets["m1"].notify_secret) == (None, None)


class SettingsChangeAfterClaim(MemoryWallet):
    """A threshold set by the operator lands between a debit's claim and its move."""

    async def claim(self, entry: LedgerEntry) -> bool:
        claimed = await super().claim(entry)
        if claimed and entry.kind == "order_debit":
            wallet = await self.wallet(entry.merchant_id)
            await self.change_settings(wallet, wallet.model_copy(update={"low_balance_threshold": 900}))
        return claimed


async def test_a_settings_change_between_claim_and_move_still_moves_the_wallet_once() -> None:
    repo = SettingsChangeAfterClaim()
    await ledger.credit_wallet(top_up("t1", 1000), repo=repo)
    out = await ledger.debit_wallet(debit("o1", 300), repo=repo)
    wallet = await repo.wallet("m1")
    assert (wallet.seq, wallet.balance) == (2, 700)
    assert [e.balance_after for e in repo.ledger] == [1000, 700]
    assert isinstance(out[0], WalletDebited)
    assert out[0].balance_after == 700
    assert lows(out) == [("wallet.low_balance", 2, 700)]  # the new threshold's crossing, once
