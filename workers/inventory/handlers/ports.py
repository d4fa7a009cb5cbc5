"""What inventory's rules need from storage. The repositories and their memory twins satisfy
these structurally; each call is one atomic change, and a repeat of it changes nothing twice."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from schemas.common import StockLine
from workers.inventory.model import Held, Reservation, ReservationState, StockSync, Synced, Take


class InventoryRepository(Protocol):
    async def open_reservation(self, order_key: str, lines: list[StockLine], attempt: str) -> Reservation:
        """The order's reservation, opened pending on first call, with `attempt` running on it."""
        ...

    async def decide(
        self,
        order_key: str,
        attempt: str,
        state: ReservationState,
        reason: str | None = None,
        sku: str | None = None,
    ) -> Reservation:
        """Decide a pending reservation, and end `attempt`; the stored decision either way."""
        ...

    async def leave(self, order_key: str, attempt: str) -> Reservation | None:
        """End `attempt` (`Reservation.left`); None if the order has no reservation."""
        ...

    async def close_reservation(self, order_key: str, attempt: str) -> Reservation:
        """`Reservation.released`, with `attempt` running on it (created released if never opened,
        then with no attempt)."""
        ...

    async def take(
        self, order_key: str, key: str, lines: list[StockLine], attempt: str
    ) -> Reservation | None:
        """Record what `key` takes off the order's holds (`Reservation.taking`), with `attempt`
        running on it; None if the order has no reservation."""
        ...

    async def apply_take(self, sku: str, order_key: str, take: Take, *, shipped: bool) -> None:
        """`StockRecord.taken`: the take on the SKU once, noting its mark."""
        ...

    async def finish_take(self, order_key: str, key: str, attempt: str) -> Reservation:
        """The takes under `key` applied, and `attempt` ended."""
        ...

    async def unmark(self, sku: str, mark: str) -> None:
        """Drop a take's mark from the SKU: only once its reservation has no attempt running."""
        ...

    async def settle(self, order_key: str, skus: list[str]) -> None:
        """Count a settled order's holds on these SKUs in `settled` (`StockRecord.with_settled`),
        now or with a later change of each SKU."""
        ...

    async def hold(self, sku: str, order_key: str, qty: int) -> Held | None:
        """Hold `qty` units for the order if available; None unless the order holds the SKU."""
        ...

    async def mark_selected(self, sku: str) -> bool:
        """Note that a shop lists the SKU; False if it has no stock record (yet)."""
        ...

    async def release_hold(self, sku: str, order_key: str) -> None:
        """The order's unsettled hold on the SKU dropped (`StockRecord.released`)."""
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
