"""In-memory twin of the wallet repository, for unit tests: the same calls, each as atomic as
the store's, and the ledger's two unique keys (the slot, and merchant + kind + reference)."""

from __future__ import annotations

from workers.wallet.model import LedgerEntry, Wallet


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

    async def advance(self, wallet: Wallet, entry: LedgerEntry) -> None:
        current = self.wallets.get(wallet.merchant_id)
        if current is not None and current.seq == wallet.seq:
            self.wallets[wallet.merchant_id] = current.advanced_to(entry)
