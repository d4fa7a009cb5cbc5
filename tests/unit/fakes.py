"""In-memory twins of the repositories, with the same atomic semantics per call."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from schemas.common import StockLine
from workers.catalog.model import PromotionWindow, SkuOffer
from workers.inventory.model import Reservation, ReservationState, available
from workers.wallet.model import Insufficient, LedgerEntry, Wallet


@dataclass
class StockRow:
    on_hand: int
    reserved: int = 0
    holds: dict[str, int] = field(default_factory=dict)

    @property
    def available(self) -> int:
        return available(self.on_hand, self.reserved)


class MemoryInventory:
    def __init__(self, **stock: int) -> None:
        self.stock = {sku: StockRow(qty) for sku, qty in stock.items()}
        self.reservations: dict[str, Reservation] = {}

    async def open_reservation(self, order_key: str, lines: list[StockLine]) -> Reservation:
        return self.reservations.setdefault(order_key, Reservation(order_key, ReservationState.PENDING))

    async def decide(
        self, order_key: str, state: ReservationState, reason: str | None = None, sku: str | None = None
    ) -> Reservation:
        current = self.reservations[order_key]
        if current.state is ReservationState.PENDING:
            self.reservations[order_key] = Reservation(order_key, state, reason, sku)
        return self.reservations[order_key]

    async def close_reservation(self, order_key: str) -> Reservation:
        current = self.reservations.get(order_key)
        if current is None or current.state in (ReservationState.PENDING, ReservationState.RESERVED):
            self.reservations[order_key] = Reservation(order_key, ReservationState.RELEASED, "released")
        return self.reservations[order_key]

    async def hold(self, sku: str, order_key: str, qty: int) -> bool:
        row = self.stock.get(sku)
        if row is None:
            return False
        if order_key in row.holds:
            return True
        if row.available < qty:
            return False
        row.holds[order_key] = qty
        row.reserved += qty
        return True

    async def release_hold(self, sku: str, order_key: str) -> None:
        row = self.stock.get(sku)
        if row is not None and order_key in row.holds:
            row.reserved -= row.holds.pop(order_key)

    async def commit_hold(self, sku: str, order_key: str) -> bool:
        row = self.stock.get(sku)
        if row is None or order_key not in row.holds:
            return False
        qty = row.holds.pop(order_key)
        row.reserved -= qty
        row.on_hand = max(0, row.on_hand - qty)
        return True

    async def set_on_hand(self, sku: str, supplier_id: str, on_hand: int, at: datetime) -> bool:
        self.stock.setdefault(sku, StockRow(0)).on_hand = on_hand
        return True


class MemoryWallets:
    def __init__(self) -> None:
        self.wallets: dict[str, Wallet] = {}
        self.ledger: list[LedgerEntry] = []

    async def apply(
        self, merchant_id: str, amount: int, kind: str, reference: str, *, check_funds: bool
    ) -> LedgerEntry | Insufficient:
        for entry in self.ledger:
            if (entry.merchant_id, entry.kind, entry.reference) == (merchant_id, kind, reference):
                return entry
        wallet = self.wallets.get(merchant_id, Wallet(merchant_id, 0, 0))
        if check_funds and not wallet.can_pay(-amount):
            return Insufficient(wallet.balance)
        entry = LedgerEntry(
            merchant_id, wallet.seq + 1, amount, wallet.balance + amount, kind, reference, datetime.now()
        )
        self.ledger.append(entry)
        self.wallets[merchant_id] = Wallet(merchant_id, entry.balance_after, entry.seq)
        return entry


class MemoryCatalog:
    """Twin of the order worker's `CatalogReader`: merchants' tiers, SKUs, promotion windows."""

    def __init__(self) -> None:
        self.tiers: dict[str, str] = {}
        self.skus: dict[str, SkuOffer] = {}
        self.windows: dict[str, list[PromotionWindow]] = {}

    async def merchant_tier(self, merchant_id: str) -> str | None:
        return self.tiers.get(merchant_id)

    async def offers(self, skus: list[str], at: datetime | None = None) -> dict[str, SkuOffer]:
        found: dict[str, SkuOffer] = {}
        for code in skus:
            if (offer := self.skus.get(code)) is not None:
                found[code] = replace(offer, windows=tuple(self.windows.get(code, [])), at=at)
        return found

    async def webhook_suppliers(self, supplier_ids: list[str]) -> set[str]:
        return set()

    async def shop(self, platform: str, shop_id: str) -> dict[str, object] | None:
        return None

    async def supplier(self, supplier_id: str) -> dict[str, object] | None:
        return None
