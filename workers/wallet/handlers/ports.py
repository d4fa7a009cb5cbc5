"""The one port the wallet handlers need: its storage, each call one atomic change or read of
one document (the Mongo repository and its in-memory twin satisfy it)."""

from __future__ import annotations

from typing import Protocol

from workers.wallet.model import LedgerEntry, Wallet


class WalletRepository(Protocol):
    async def wallet(self, merchant_id: str) -> Wallet:
        """The merchant's wallet, created at zero on first use."""
        ...

    async def entry(self, merchant_id: str, seq: int) -> LedgerEntry | None:
        """The entry in slot `seq`, if claimed."""
        ...

    async def entry_for(self, merchant_id: str, kind: str, reference: str) -> LedgerEntry | None: ...

    async def claim(self, entry: LedgerEntry) -> bool:
        """Store the entry; False if its slot, or its kind and reference, are already taken."""
        ...

    async def advance(self, wallet: Wallet, moved: Wallet) -> bool:
        """Move to `moved` (balance, seq, and the crossing it made), only if the wallet still
        stands where `wallet` does: same seq, same threshold and notify URL."""
        ...

    async def change_settings(self, wallet: Wallet, changed: Wallet) -> bool:
        """Store `changed`'s settings, only if the wallet is still exactly `wallet`'s seq and settings."""
        ...

    async def note_alert(self, merchant_id: str, seq: int, outcome: str | None) -> None:
        """Mark the crossing at `seq` notified (and how the push ended), if it is still the last."""
        ...
