"""The low-balance push: signed with the merchant's notify secret, retried by the shared
engine, made once per crossing, and dropped when a newer crossing or no URL supersedes it."""

from __future__ import annotations

import json
from datetime import timedelta

from juhe.outgoing import Later
from juhe.signing import verify
from schemas.commands import CreditWallet, DebitWallet
from schemas.wallet import ChangeWalletSettings, NotifyLowBalance
from workers.wallet.handlers import alerts, ledger, settings
from workers.wallet.memory import MemoryWallet

URL = "https://merchant.example/alerts"


class Poster:
    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.sent: list[tuple[str, bytes, dict[str, str]]] = []

    async def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.sent.append((url, body, headers))
        return self.statuses.pop(0)


async def crossed(url: str | None = URL) -> MemoryWallet:
    """A wallet whose debit o1 took it from 1000 to 400, below its threshold of 500 (entry 2)."""
    repo = MemoryWallet()
    change = ChangeWalletSettings(
        correlation_id="m1", merchant_id="m1", low_balance_threshold=500, notify_url=url, proposed_secret="s1"
    )
    await settings.change_settings(change, repo=repo)
    top_up = CreditWallet(correlation_id="m1", merchant_id="m1", amount=1000, kind="top_up", reference="t1")
    await ledger.credit_wallet(top_up, repo=repo)
    await ledger.debit_wallet(
        DebitWallet(correlation_id="o1", order_key="o1", merchant_id="m1", amount=600), repo=repo
    )
    return repo


def deps(repo: MemoryWallet, post: Poster) -> alerts.NotifyDeps:
    return alerts.NotifyDeps(repo, post, timedelta(hours=1))


def notify(attempt: int = 1) -> NotifyLowBalance:
    return NotifyLowBalance(correlation_id="m1", merchant_id="m1", seq=2, attempt=attempt)


async def test_the_push_is_signed_with_the_notify_secret_and_marks_the_alert_notified() -> None:
    repo, post = await crossed(), Poster(204)
    assert await alerts.notify_low_balance(notify(), deps=deps(repo, post)) == []
    [(url, body, headers)] = post.sent
    assert url == URL
    assert json.loads(body) == {
        "type": "wallet.low_balance",
        "alert_id": "m1:2",
        "merchant_id": "m1",
        "seq": 2,
        "balance": 400,
        "threshold": 500,
    }
    assert headers["X-Juhe-Shop"] == "m1"
    assert verify("s1", headers["X-Juhe-Timestamp"], body, headers["X-Juhe-Signature"], skew=60)
    alert = repo.wallets["m1"].low_alert
    assert alert is not None
    assert (alert.notified, alert.outcome) == (True, "low_balance_notified")


async def test_a_failed_push_is_retried_and_a_repeat_of_its_first_attempt_schedules_the_same_retry() -> None:
    """Regression: a repeat of the first attempt was dropped, and it may be the redelivery after a
    crash before the retry was published: every retry was lost with it."""
    repo, post = await crossed(), Poster(500, 500)
    [retry] = await alerts.notify_low_balance(notify(), deps=deps(repo, post))
    assert isinstance(retry, Later)
    assert isinstance(retry.message, NotifyLowBalance)
    assert (retry.message.attempt, retry.seconds) == (2, 5)
    [again] = await alerts.notify_low_balance(notify(), deps=deps(repo, post))
    assert isinstance(again, Later)
    assert again.message.message_id == retry.message.message_id
    assert len(post.sent) == 2


async def test_once_delivered_no_attempt_is_sent_again() -> None:
    repo, post = await crossed(), Poster(500, 204)
    [retry] = await alerts.notify_low_balance(notify(), deps=deps(repo, post))
    assert isinstance(retry, Later)
    assert await alerts.notify_low_balance(notify(attempt=2), deps=deps(repo, post)) == []
    assert await alerts.notify_low_balance(notify(), deps=deps(repo, post)) == []
    assert await alerts.notify_low_balance(notify(attempt=2), deps=deps(repo, post)) == []
    assert len(post.sent) == 2
    alert = repo.wallets["m1"].low_alert
    assert alert is not None
    assert alert.outcome == "low_balance_notified"


async def test_a_superseded_or_unaddressed_alert_is_not_pushed() -> None:
    repo, post = await crossed(), Poster()
    stale = NotifyLowBalance(correlation_id="m1", merchant_id="m1", seq=1)
    assert await alerts.notify_low_balance(stale, deps=deps(repo, post)) == []
    removed = ChangeWalletSettings(
        correlation_id="m1", merchant_id="m1", low_balance_threshold=500, proposed_secret="s2"
    )
    await settings.change_settings(removed, repo=repo)
    assert await alerts.notify_low_balance(notify(attempt=3), deps=deps(repo, post)) == []
    assert post.sent == []
