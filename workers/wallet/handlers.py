"""Wallet rules: debit an order once, credit a reference once; refusal is an event."""

from __future__ import annotations

from schemas.commands import CreditWallet, DebitWallet
from schemas.envelope import Message
from schemas.events import FundsInsufficient, WalletCredited, WalletDebited
from workers.wallet.model import Insufficient
from workers.wallet.repository import WalletRepository

ORDER_DEBIT = "order_debit"


async def debit_wallet(cmd: DebitWallet, *, repo: WalletRepository) -> list[Message]:
    result = await repo.apply(cmd.merchant_id, -cmd.amount, ORDER_DEBIT, cmd.order_key, check_funds=True)
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
    result = await repo.apply(cmd.merchant_id, cmd.amount, cmd.kind, cmd.reference, check_funds=False)
    assert not isinstance(result, Insufficient)
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
