"""The low-balance alert: an event for whoever listens, and a signed push to the merchant's
notify_url through the shared retry engine (juhe.outbound.send), like every other push."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from juhe.outbound import Poster, send, signed_json
from juhe.outgoing import Outgoing
from schemas.envelope import Message
from schemas.wallet import NotifyLowBalance, WalletLowBalance
from workers.wallet.handlers.ports import WalletRepository
from workers.wallet.model import LowBalanceAlert, Wallet

NOTIFIED = "low_balance_notified"


def alert_messages(merchant_id: str, alert: LowBalanceAlert) -> list[Message]:
    """The event, and the push when the merchant has a notify_url (the alert is not yet notified)."""
    event = WalletLowBalance(
        correlation_id=merchant_id,
        merchant_id=merchant_id,
        seq=alert.seq,
        balance=alert.balance,
        threshold=alert.threshold,
    )
    if alert.notified:
        return [event]
    return [event, NotifyLowBalance(correlation_id=merchant_id, merchant_id=merchant_id, seq=alert.seq)]


@dataclass(frozen=True)
class NotifyDeps:
    repo: WalletRepository
    post: Poster
    give_up_after: timedelta


async def notify_low_balance(cmd: NotifyLowBalance, *, deps: NotifyDeps) -> list[Outgoing]:
    """Retries go on until 2xx or give-up. A repeat of the first attempt is sent again: it may be
    the redelivery after a crash before its retry was published, and the retry is derived anew."""
    wallet = await deps.repo.wallet(cmd.merchant_id)
    alert = wallet.low_alert
    if alert is None or alert.seq != cmd.seq or wallet.notify_url is None or wallet.notify_secret is None:
        return []  # a newer crossing superseded it, or the notify URL was removed
    if alert.outcome is not None:
        return []  # delivered or given up: a repeat, or a second retry chain, sends nothing
    request = signed_json(wallet.notify_url, wallet.notify_secret, wallet.merchant_id, pushed(wallet, alert))

    async def record(outcome: str, _: dict[str, Any]) -> None:
        await deps.repo.note_alert(cmd.merchant_id, cmd.seq, outcome)

    try:
        return await send(
            cmd, request, post=deps.post, give_up_after=deps.give_up_after, record=record, done=NOTIFIED
        )
    finally:  # the first attempt is made: its retries, if any, are already scheduled
        await deps.repo.note_alert(cmd.merchant_id, cmd.seq, None)


def pushed(wallet: Wallet, alert: LowBalanceAlert) -> dict[str, Any]:
    """The alert as the merchant receives it; `alert_id` is stable across retries."""
    return {
        "type": WalletLowBalance.NAME,
        "alert_id": f"{wallet.merchant_id}:{alert.seq}",
        "merchant_id": wallet.merchant_id,
        "seq": alert.seq,
        "balance": alert.balance,
        "threshold": alert.threshold,
    }
