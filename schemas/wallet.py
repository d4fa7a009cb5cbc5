"""Merchant funds messages beyond the saga's debit and credit: the operator's settings and
adjustments, and the low-balance alert with its signed push."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, Field, StrictInt

from schemas.commands import OutboundCommand
from schemas.common import MAX_FEN, Fen, ShortText
from schemas.envelope import Command, Event

#: A signed amount of fen: an adjustment or a balance may be either sign.
SignedFen = Annotated[StrictInt, Field(ge=-MAX_FEN, le=MAX_FEN)]
Reference = Annotated[str, Field(min_length=1, max_length=128)]


def _non_zero(amount: int) -> int:
    if amount == 0:
        raise ValueError("an adjustment moves money: it may not be 0")
    return amount


#: An adjustment: either sign, never zero.
AdjustmentAmount = Annotated[SignedFen, AfterValidator(_non_zero)]


class ChangeWalletSettings(Command):
    """Request/reply: the merchant's credit limit and low-balance alert, replaced as a whole."""

    NAME: ClassVar[str] = "wallet.change_settings"
    merchant_id: str
    credit_limit: Fen = 0
    low_balance_threshold: SignedFen | None = None
    notify_url: str | None = None
    #: Kept only if the notify URL is new; the answer shows it then, and only then.
    proposed_secret: str


class WalletSettings(BaseModel):
    """The answer to ChangeWalletSettings: the settings now in force."""

    merchant_id: str
    credit_limit: int
    low_balance_threshold: int | None
    notify_url: str | None
    #: Shown once, when the notify URL is set: it signs the low-balance pushes.
    notify_secret: str | None


class AdjustWallet(Command):
    """An operator's correction, either sign, once per reference; a debit respects the limit."""

    NAME: ClassVar[str] = "wallet.adjust"
    merchant_id: str
    amount: AdjustmentAmount
    reference: Reference
    reason: ShortText

    def business_key(self) -> str:
        return f"{self.merchant_id}|{self.reference}"


class WalletAdjusted(Event):
    NAME: ClassVar[str] = "wallet.adjusted"
    MUST_ROUTE: ClassVar[bool] = False
    merchant_id: str
    amount: SignedFen
    reference: str
    reason: str
    balance_after: StrictInt

    def business_key(self) -> str:
        return f"{self.merchant_id}|{self.reference}"


class AdjustmentRefused(Event):
    """A negative adjustment that would take the balance below minus the credit limit."""

    NAME: ClassVar[str] = "wallet.adjustment_refused"
    MUST_ROUTE: ClassVar[bool] = False
    merchant_id: str
    amount: SignedFen
    reference: str
    balance: StrictInt

    def business_key(self) -> str:
        return f"{self.merchant_id}|{self.reference}"


class WalletLowBalance(Event):
    """The balance crossed below the merchant's threshold (ledger entry `seq` took it there)."""

    NAME: ClassVar[str] = "wallet.low_balance"
    MUST_ROUTE: ClassVar[bool] = False
    merchant_id: str
    seq: StrictInt
    balance: StrictInt
    threshold: StrictInt

    def business_key(self) -> str:
        return f"{self.merchant_id}|{self.seq}"


class NotifyLowBalance(OutboundCommand):
    """Push the crossing at ledger entry `seq` to the merchant's notify_url (signed, retried)."""

    NAME: ClassVar[str] = "wallet.notify_low_balance"
    merchant_id: str
    seq: StrictInt

    def business_key(self) -> str:
        return f"{self.merchant_id}|{self.seq}|{self.attempt}"
