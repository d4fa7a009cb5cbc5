"""Wallet's subscriptions."""

from __future__ import annotations

from juhe.messaging.consumer import consume, respond
from juhe.runtime import Runtime
from schemas.commands import CreditWallet, DebitWallet
from schemas.wallet import AdjustWallet, ChangeWalletSettings, NotifyLowBalance
from workers.wallet.handlers import alerts, ledger, settings
from workers.wallet.repository import MongoWalletRepository, ensure_indexes

WORKER = "wallet"


def register(runtime: Runtime) -> None:
    def repo() -> MongoWalletRepository:
        return MongoWalletRepository(runtime.store.db)

    def notify_deps() -> alerts.NotifyDeps:
        return alerts.NotifyDeps(repo(), runtime.post, runtime.give_up_after)

    consume(runtime, WORKER, DebitWallet, lambda m: ledger.debit_wallet(m, repo=repo()))
    consume(runtime, WORKER, CreditWallet, lambda m: ledger.credit_wallet(m, repo=repo()))
    consume(runtime, WORKER, AdjustWallet, lambda m: ledger.adjust_wallet(m, repo=repo()))
    respond(runtime, WORKER, ChangeWalletSettings, lambda m: settings.change_settings(m, repo=repo()))
    consume(runtime, WORKER, NotifyLowBalance, lambda m: alerts.notify_low_balance(m, deps=notify_deps()))


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
