"""Money in and out: debit an order once, credit a reference once, adjust once; refusal is an event.

A change claims ledger slot `seq + 1` (the slot's id is unique, and so is the merchant, kind
and reference of an entry), then moves the wallet from `seq` to `seq + 1` with the sequence in
the update's condition. A crash in between leaves a claimed slot that the next writer applies
before its own change, so balance == sum(ledger) at every quiet moment. The move records a
low-balance crossing in the same conditional update; whoever makes the move announces it.
"""

from __future__ import annotations

from schemas.commands import CreditWallet, DebitWallet
from schemas.envelope import Message, utcnow
from schemas.events import FundsInsufficient, WalletCredited, WalletDebited
from schemas.wallet import AdjustmentRefused, AdjustWallet, WalletAdjusted, WalletLowBalance
from workers.wallet.handlers.alerts import alert_messages
from workers.wallet.handlers.ports import WalletRepository
from workers.wallet.model import ADJUSTMENT, ORDER_DEBIT, Insufficient, LedgerEntry, Wallet

#: Claims lost to concurrent writers before giving up (the message is then redelivered).
MAX_ATTEMPTS = 50


async def debit_wallet(cmd: DebitWallet, *, repo: WalletRepository) -> list[Message]:
    result, alerts = await append(
        repo, cmd.merchant_id, -cmd.amount, ORDER_DEBIT, cmd.order_key, check_funds=True
    )
    if isinstance(result, Insufficient):
        refused = FundsInsufficient(
            correlation_id=cmd.order_key,
            merchant_id=cmd.merchant_id,
            order_key=cmd.order_key,
            amount=cmd.amount,
            balance=result.balance,
        )
        return [refused, *alerts]
    debited = WalletDebited(
        correlation_id=cmd.order_key,
        merchant_id=cmd.merchant_id,
        order_key=cmd.order_key,
        amount=-result.amount,
        balance_after=result.balance_after,
    )
    return [debited, *alerts]


async def credit_wallet(cmd: CreditWallet, *, repo: WalletRepository) -> list[Message]:
    result, alerts = await append(
        repo, cmd.merchant_id, cmd.amount, cmd.kind, cmd.reference, check_funds=False
    )
    assert not isinstance(result, Insufficient)  # only a debit checks funds
    return [credited(cmd.correlation_id, result), *alerts]


async def adjust_wallet(cmd: AdjustWallet, *, repo: WalletRepository) -> list[Message]:
    """Either sign; taking money out respects the credit limit like an order's debit does."""
    m = cmd.merchant_id
    result, alerts = await append(
        repo, m, cmd.amount, ADJUSTMENT, cmd.reference, check_funds=cmd.amount < 0, reason=cmd.reason
    )
    if isinstance(result, Insufficient):
        refused = AdjustmentRefused(
            correlation_id=m,
            merchant_id=m,
            amount=cmd.amount,
            reference=cmd.reference,
            balance=result.balance,
        )
        return [refused, *alerts]
    adjusted = WalletAdjusted(
        correlation_id=m,
        merchant_id=m,
        amount=result.amount,
        reference=result.reference,
        reason=result.reason or cmd.reason,
        balance_after=result.balance_after,
    )
    # Money in: the order saga resumes waiting orders on it, as on a top-up.
    money_in = [credited(m, result)] if result.amount > 0 else []
    return [adjusted, *money_in, *alerts]


def credited(correlation_id: str, entry: LedgerEntry) -> WalletCredited:
    return WalletCredited(
        correlation_id=correlation_id,
        merchant_id=entry.merchant_id,
        amount=entry.amount,
        kind=entry.kind,
        reference=entry.reference,
        balance_after=entry.balance_after,
    )


async def append(
    repo: WalletRepository,
    merchant_id: str,
    amount: int,
    kind: str,
    reference: str,
    *,
    check_funds: bool,
    reason: str | None = None,
) -> tuple[LedgerEntry | Insufficient, list[Message]]:
    """One entry per merchant, kind and reference; a repeat gets the entry made the first time.
    Also answers the low-balance alerts of the moves this call made."""
    alerts: list[Message] = []
    for _ in range(MAX_ATTEMPTS):
        # Read as stored, without looking for a claimed entry first: slots are claimed one
        # after another, so if slot seq + 1 is free nothing is pending and the claim below
        # succeeds on a current wallet; if it is taken, the claim fails and that is handled.
        wallet = await repo.wallet(merchant_id)
        if check_funds and not wallet.can_pay(-amount):
            wallet = await catch_up(repo, merchant_id, alerts)  # a pending credit may pay for it
            if not wallet.can_pay(-amount):
                prior = await repo.entry_for(merchant_id, kind, reference)
                return (
                    (Insufficient(wallet.balance), alerts)
                    if prior is None
                    else repeated(wallet, prior, alerts)
                )
        entry = wallet.next_entry(amount, kind, reference, utcnow(), reason)
        if await repo.claim(entry):
            if not await advance(repo, wallet, entry, alerts):
                # The wallet moved under this writer (a settings change, or another writer
                # applied the entry): apply whatever is claimed, this entry included.
                await catch_up(repo, merchant_id, alerts)
            return entry, alerts
        prior = await repo.entry_for(merchant_id, kind, reference)
        if prior is not None:
            return repeated(await catch_up(repo, merchant_id, alerts), prior, alerts)
        # Another change took the slot (or its writer died before applying it): apply it,
        # then try again.
        await catch_up(repo, merchant_id, alerts)
    raise RuntimeError(f"wallet {merchant_id}: too much contention, will be redelivered")


def repeated(wallet: Wallet, prior: LedgerEntry, alerts: list[Message]) -> tuple[LedgerEntry, list[Message]]:
    """A repeat announces the crossing its entry made if that push is still to be made (the
    first try may have died between the move and its publish)."""
    announced = any(isinstance(m, WalletLowBalance) and m.seq == prior.seq for m in alerts)
    if wallet.low_alert is not None and wallet.crossed_at(prior.seq) and not announced:
        alerts = [*alerts, *alert_messages(wallet.merchant_id, wallet.low_alert)]
    return prior, alerts


async def catch_up(repo: WalletRepository, merchant_id: str, alerts: list[Message]) -> Wallet:
    """Apply the entries claimed but not yet applied (their writer died in between, or a
    settings change moved the wallet under it); the crossings they make go into `alerts`."""
    wallet = await repo.wallet(merchant_id)
    while (claimed := await repo.entry(merchant_id, wallet.seq + 1)) is not None:
        await advance(repo, wallet, claimed, alerts)
        wallet = await repo.wallet(merchant_id)
    return wallet


async def advance(
    repo: WalletRepository, wallet: Wallet, claimed: LedgerEntry, alerts: list[Message]
) -> bool:
    """Move the wallet, as read, to its claimed next entry; the crossing it makes goes into
    `alerts`. False when the wallet is no longer as read (nothing changed)."""
    moved = wallet.advanced_to(claimed)
    if not await repo.advance(wallet, moved):
        return False
    if moved.low_alert is not None and moved.crossed_here:
        alerts += alert_messages(wallet.merchant_id, moved.low_alert)
    return True
