"""In-memory twin of the wallet repository, for unit tests: the same calls, each as atomic as
the store's, and the ledger's two unique keys (the slot, and merchant + kind + reference)."""

from __future__ import annotations

from collections.abc import Iterable

from workers.wallet.model import MOVE_DEPENDS_ON, SETTINGS, LedgerEntry, Wallet, moved_fields


class MemoryWallet:
    def __init__(self) -> None:
        self.wallets: dict[str, Wallet] = {}
        self.ledger: list[LedgerEntry] = []

    async def wallet(self, merchant_id: str) -> Wallet:
        return self.wallets.setdefault(merchant_id, Wallet(merchant_id=merchant_id))

    async def entry(self, merchant_id: str, seq: int) -> LedgerEntry | None:
        return next((e for e in self.ledger if (e.merchant_id, e.seq) == (merchant_id, seq)), None)

    async def entry_for(self, merchant_id: str, kind: str, reference: str) -> LedgerEntry | None:
        key = (merchant_id, kind, reference)
        return next((e for e in self.ledger if (e.merchant_id, e.kind, e.reference) == key), None)

    async def claim(self, entry: LedgerEntry) -> bool:
        slot_taken = any(e.id == entry.id for e in self.ledger)
        if slot_taken or await self.entry_for(entry.merchant_id, entry.kind, entry.reference):
            return False
        self.ledger.append(entry)
        return True

    async def advance(self, wallet: Wallet, moved: Wallet) -> bool:
        return self._update(wallet, MOVE_DEPENDS_ON, moved, moved_fields(moved))

    async def change_settings(self, wallet: Wallet, changed: Wallet) -> bool:
        return self._update(wallet, {"seq", *SETTINGS}, changed, SETTINGS)

    async def note_alert(self, merchant_id: str, seq: int, outcome: str | None) -> None:
        current = self.wallets.get(merchant_id)
        if current is None or current.low_alert is None or current.low_alert.seq != seq:
            return
        noted = {"notified": True} | ({} if outcome is None else {"outcome": outcome})
        alert = current.low_alert.model_copy(update=noted)
        self.wallets[merchant_id] = current.model_copy(update={"low_alert": alert})

    def _update(self, expected: Wallet, condition: Iterable[str], new: Wallet, fields: Iterable[str]) -> bool:
        """The store's conditional update: `fields` of `new`, if `condition` still reads as expected."""
        current = self.wallets.get(expected.merchant_id)
        if current is None or any(getattr(current, f) != getattr(expected, f) for f in condition):
            return False
        self.wallets[expected.merchant_id] = current.model_copy(update={f: getattr(new, f) for f in fields})
        return True
