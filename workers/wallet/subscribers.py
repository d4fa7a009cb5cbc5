"""Wallet's subscriptions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from juhe.keyed_locks import KeyedLocks
from juhe.messaging.consumer import consume, respond
from juhe.runtime import Runtime
from schemas.commands import CreditWallet, DebitWallet
from schemas.envelope import Message
from schemas.wallet import AdjustWallet, ChangeWalletSettings, NotifyLowBalance
from workers.wallet.handlers import alerts, ledger, settings
from workers.wallet.repository import MongoWalletRepository, ensure_indexes

WORKER = "wallet"

C = TypeVar("C", DebitWallet, CreditWallet, AdjustWallet)
LedgerChange = Callable[..., Awaitable[list[Message]]]


def register(runtime: Runtime) -> None:
    def repo() -> MongoWalletRepository:
        return MongoWalletRepository(runtime.store.db, runtime.store.inserts)

    def notify_deps() -> alerts.NotifyDeps:
        return alerts.NotifyDeps(repo(), runtime.post, runtime.give_up_after)

    # A merchant's ledger changes take turns in this process: concurrent ones would all claim
    # the same slot and all but one retry (the claim's unique slot keeps it exact regardless).
    turns = KeyedLocks()

    def in_turn(change: LedgerChange) -> Callable[[C], Awaitable[list[Message]]]:
        async def run(m: C) -> list[Message]:
            async with turns.hold(m.merchant_id):
                return await change(m, repo=repo())

        return run

    consume(runtime, WORKER, DebitWallet, in_turn(ledger.debit_wallet))
    consume(runtime, WORKER, CreditWallet, in_turn(ledger.credit_wallet))
    consume(runtime, WORKER, AdjustWallet, in_turn(ledger.adjust_wallet))
    respond(runtime, WORKER, ChangeWalletSettings, lambda m: settings.change_settings(m, repo=repo()))
    consume(runtime, WORKER, NotifyLowBalance, lambda m: alerts.notify_low_balance(m, deps=notify_deps()))


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
