"""Wallet's subscriptions."""

from __future__ import annotations

from juhe.messaging.consumer import consume
from juhe.runtime import Runtime
from schemas.commands import CreditWallet, DebitWallet
from workers.wallet import handlers
from workers.wallet.repository import MongoWalletRepository, ensure_indexes

WORKER = "wallet"


def register(runtime: Runtime) -> None:
    def repo() -> MongoWalletRepository:
        return MongoWalletRepository(runtime.store.db)

    consume(runtime, WORKER, DebitWallet, lambda m: handlers.debit_wallet(m, repo=repo()))
    consume(runtime, WORKER, CreditWallet, lambda m: handlers.credit_wallet(m, repo=repo()))


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
