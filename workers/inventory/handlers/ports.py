"""What inventory's rules need from storage. The repositories and their memory twins satisfy
these structurally; each call is one atomic change, and a repeat of it changes nothing twice."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from schemas.common import StockLine
from workers.inventory.model import Held, Reservation, ReservationState, StockSync, Synced


class InventoryRepository(Protocol):
    async def open_reservation(self, order_key: str, lines: list[StockLine]) -> Reservation:
        """The order's reservation, opened pending on first call."""
        ...

    async def decide(
        self,
        order_key: str,
        state: ReservationState,
        reason: str | None = None,
        sku: str | None = None,
    ) -> Reservation:
        """Decide a pending reservation; the stored decision is returned either way."""
        ...

    async def close_reservation(self, order_key: str) -> Reservation:
        """Released for good (created so if never opened); a rejection stays a rejection."""
        ...

    async def hold(self, sku: str, order_key: str, qty: int) -> Held | None:
        """Hold `qty` units for the order if available; None unless the order holds the SKU."""
        ...

    async def mark_selected(self, sku: str) -> bool:
        """Note that a shop lists the SKU; False if it has no stock record (yet)."""
        ...

    async def release_hold(self, sku: str, order_key: str) -> None: ...

    async def commit_hold(self, sku: str, order_key: str, qty: int, key: str) -> bool:
        """Up to `qty` of the order's held units leave on-hand and reserved, once per key; False
        if it held none (or `key` was applied)."""
        ...

    async def release_part(self, sku: str, order_key: str, qty: int, key: str) -> bool:
        """Up to `qty` of the order's held units are available again, once per key."""
        ...

    async def restock(self, sku: str, key: str, qty: int) -> bool:
        """Returned units back on hand, once per key; False if applied before (or no such SKU)."""
        ...

    async def set_on_hand(self, sku: str, supplier_id: str, on_hand: int, at: datetime) -> Synced:
        """Set the count if `at` is newer than the last applied (creating the record if need be)."""
        ...


class StockSyncRepository(Protocol):
    async def record(self, sync: StockSync) -> StockSync:
        """Store a sync once; a repeat gets what the first call stored."""
        ...

    async def get(self, supplier_id: str, sync_id: str) -> StockSync | None: ...

    async def mark_done(self, supplier_id: str, sync_id: str, chunk: int) -> None: ...
