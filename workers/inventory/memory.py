"""In-memory twins of inventory's repositories, for unit tests: the same interface, and each
call the same atomic change as the store's conditional update, made through the model."""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.common import StockLine
from workers.inventory.model import (
    Held,
    Reservation,
    ReservationState,
    StockRecord,
    StockSync,
    Synced,
    sync_key,
)

#: When stock given to the constructor counts as synced: before any sync a test sends.
SEEDED_AT = datetime(2000, 1, 1, tzinfo=UTC)


class MemoryInventory:
    """`MemoryInventory(A=5)`: SKU A has 5 on hand, synced by supplier `sup` at `SEEDED_AT`."""

    def __init__(self, **on_hand: int) -> None:
        self.stock = {sku: StockRecord.first_sync(sku, "sup", qty, SEEDED_AT) for sku, qty in on_hand.items()}
        self.reservations: dict[str, Reservation] = {}

    async def open_reservation(self, order_key: str, lines: list[StockLine]) -> Reservation:
        return self.reservations.setdefault(order_key, Reservation.opened(order_key, lines))

    async def decide(
        self,
        order_key: str,
        state: ReservationState,
        reason: str | None = None,
        sku: str | None = None,
    ) -> Reservation:
        decided = self.reservations[order_key].decided(state, reason, sku)
        self.reservations[order_key] = decided
        return decided

    async def close_reservation(self, order_key: str) -> Reservation:
        current = self.reservations.get(order_key) or Reservation.opened(order_key, [])
        self.reservations[order_key] = current.released()
        return self.reservations[order_key]

    async def hold(self, sku: str, order_key: str, qty: int) -> Held | None:
        record = self.stock.get(sku)
        if record is None:
            return None
        if record.can_hold(order_key, qty):
            self.stock[sku] = record.with_hold(order_key, qty)
        elif not record.holds_for(order_key):
            return None
        return Held(selected=record.selected)

    async def mark_selected(self, sku: str) -> bool:
        record = self.stock.get(sku)
        if record is None:
            return False
        self.stock[sku] = record.model_copy(update={"selected": True})
        return True

    async def release_hold(self, sku: str, order_key: str) -> None:
        record = self.stock.get(sku)
        if record is not None and record.holds_for(order_key):
            self.stock[sku] = record.released(order_key)

    async def commit_hold(self, sku: str, order_key: str, qty: int, key: str) -> bool:
        return self._take(sku, order_key, qty, key, shipped=True)

    async def release_part(self, sku: str, order_key: str, qty: int, key: str) -> bool:
        return self._take(sku, order_key, qty, key, shipped=False)

    def _take(self, sku: str, order_key: str, qty: int, key: str, *, shipped: bool) -> bool:
        record = self.stock.get(sku)
        if record is None:
            return False
        taken = record.taken_part(order_key, qty, key, shipped=shipped)
        self.stock[sku] = taken
        return taken is not record

    async def restock(self, sku: str, key: str, qty: int) -> bool:
        record = self.stock.get(sku)
        if record is None:
            return False
        restocked = record.restocked_by(key, qty)
        self.stock[sku] = restocked
        return restocked is not record

    async def set_on_hand(self, sku: str, supplier_id: str, on_hand: int, at: datetime) -> Synced:
        record = self.stock.get(sku)
        if record is None:
            self.stock[sku] = StockRecord.first_sync(sku, supplier_id, on_hand, at)
            return Synced.CREATED
        if record.synced_at >= at:  # an older (or the same) sync than the last applied
            return Synced.STALE
        self.stock[sku] = record.synced(supplier_id, on_hand, at)
        return Synced.UPDATED


class MemoryStockSyncs:
    def __init__(self) -> None:
        self.syncs: dict[str, StockSync] = {}

    async def record(self, sync: StockSync) -> StockSync:
        return self.syncs.setdefault(sync.key, sync)

    async def get(self, supplier_id: str, sync_id: str) -> StockSync | None:
        return self.syncs.get(sync_key(supplier_id, sync_id))

    async def mark_done(self, supplier_id: str, sync_id: str, chunk: int) -> None:
        key = sync_key(supplier_id, sync_id)
        if (sync := self.syncs.get(key)) is not None and not sync.has_applied(chunk):
            self.syncs[key] = sync.model_copy(update={"done": [*sync.done, chunk]})
