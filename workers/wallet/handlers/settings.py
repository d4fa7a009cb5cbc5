"""The operator's settings of a wallet: credit limit, low-balance threshold and notify URL.

They sit in the wallet document, beside the balance the money rules compare them with, and
change with a condition on the wallet as read: a limit is never set below a balance that
moved in between, and the crossing rule never decides on a threshold that changed under it.
"""

from __future__ import annotations

from juhe.replies import Reply, ok, refuse
from schemas.envelope import Message
from schemas.wallet import ChangeWalletSettings, WalletSettings
from workers.wallet.handlers.ledger import MAX_ATTEMPTS, catch_up
from workers.wallet.handlers.ports import WalletRepository
from workers.wallet.model import Wallet


async def change_settings(cmd: ChangeWalletSettings, *, repo: WalletRepository) -> Reply:
    """409 (conflict) for a limit the balance is already below; the settings otherwise."""
    alerts: list[Message] = []
    for _ in range(MAX_ATTEMPTS):
        wallet = await catch_up(repo, cmd.merchant_id, alerts)
        if problem := wallet.limit_refusal(cmd.credit_limit):
            refusal, _ = refuse("conflict", problem)
            return refusal, alerts
        changed = wallet.with_settings(
            cmd.credit_limit, cmd.low_balance_threshold, cmd.notify_url, cmd.proposed_secret
        )
        if await repo.change_settings(wallet, changed):
            return ok(answer(changed, cmd.proposed_secret).model_dump(), *alerts)
    raise RuntimeError(f"wallet {cmd.merchant_id}: too much contention, will be redelivered")


def answer(wallet: Wallet, proposed_secret: str) -> WalletSettings:
    """The secret is shown only when this request set it (also when it is asked again)."""
    shown = wallet.notify_secret if wallet.notify_secret == proposed_secret else None
    return WalletSettings(
        merchant_id=wallet.merchant_id,
        credit_limit=wallet.credit_limit,
        low_balance_threshold=wallet.low_balance_threshold,
        notify_url=wallet.notify_url,
        notify_secret=shown,
    )
