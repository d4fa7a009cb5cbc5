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
    Take,
    sync_key,
)

#: When stock given to the constructor counts as synced: before any sync a test sends.
SEEDED_AT = datetime(2000, 1, 1, tzinfo=UTC)


class MemoryInventory:
    """`MemoryInventory(A=5)`: SKU A has 5 on hand, synced by supplier `sup` at `SEEDED_AT`."""

    def __init__(self, **on_hand: int) -> None:
        self.stock = {sku: StockRecord.first_sync(sku, "sup", qty, SEEDED_AT) for sku, qty in on_hand.items()}
        self.reservations: dict[str, Reservation] = {}

    async def open_reservation(self, order_key: str, lines: list[StockLine], attempt: str) -> Reservation:
        opened = self.reservations.get(order_key) or Reservation.opened(order_key, lines)
        self.reservations[order_key] = opened.attempted(attempt)
        return self.reservations[order_key]

    async def decide(
        self,
        order_key: str,
        attempt: str,
        state: ReservationState,
        reason: str | None = None,
        sku: str | None = None,
    ) -> Reservation:
        decided = self.reservations[order_key].decided(state, reason, sku).left(attempt)
        self.reservations[order_key] = decided
        return decided

    async def leave(self, order_key: str, attempt: str) -> Reservation | None:
        if (current := self.reservations.get(order_key)) is None:
            return None
        self.reservations[order_key] = current.left(attempt)
        return self.reservations[order_key]

    async def close_reservation(self, order_key: str, attempt: str) -> Reservation:
        current = self.reservations.get(order_key)
        if current is None:
            self.reservations[order_key] = Reservation.opened(order_key, []).released()
        else:
            self.reservations[order_key] = current.attempted(attempt).released()
        return self.reservations[order_key]

    async def take(
        self, order_key: str, key: str, lines: list[StockLine], attempt: str
    ) -> Reservation | None:
        if (current := self.reservations.get(order_key)) is None:
            return None
        taking = current.attempted(attempt)
        if takes := taking.taking(key, lines):
            taking = taking.with_takes(takes)
        self.reservations[order_key] = taking
        return taking

    async def apply_take(self, sku: str, order_key: str, take: Take, *, shipped: bool) -> None:
        if (record := self.stock.get(sku)) is not None:
            self.stock[sku] = record.taken(order_key, take, shipped=shipped)

    async def finish_take(self, order_key: str, key: str, attempt: str) -> Reservation:
        self.reservations[order_key] = self.reservations[order_key].applied(key).left(attempt)
        return self.reservations[order_key]

    async def unmark(self, sku: str, mark: str) -> None:
        if (record := self.stock.get(sku)) is not None:
            self.stock[sku] = record.unmarked(mark)

    async def settle(self, order_key: str, skus: list[str]) -> None:
        for sku in skus:
            if (record := self.stock.get(sku)) is not None:
                self.stock[sku] = record.with_settled({order_key})

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
        if (record := self.stock.get(sku)) is not None:
            self.stock[sku] = record.released(order_key)

    def held(self, sku: str) -> dict[str, int]:
        """The units each order holds on the SKU: its unsettled hold, or its settled share."""
        units = {h.order_key: h.qty for h in self.stock[sku].holds}
        settled = (r for r in self.reservations.values() if r.settled and r.order_key not in units)
        for r in settled:
            if r.state is ReservationState.RESERVED and (left := r.remaining(sku)) > 0:
                units[r.order_key] = left
        return units

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
            return Synced.CREATED if record.first_synced_at == at else Synced.STALE
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
