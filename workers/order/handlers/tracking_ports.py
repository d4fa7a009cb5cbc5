"""The storage port the tracking handlers need beyond `OrderStore`: checkpoints, the shipment's
tracking summary, corrections, and log entries kept once per change."""

from __future__ import annotations

from typing import Protocol

from workers.order.model import LogEntry, SubOrder
from workers.order.model.tracking import Checkpoint, ShipmentCorrection, Tracking


class TrackingStore(Protocol):
    async def add_checkpoints(self, checkpoints: list[Checkpoint]) -> int:
        """Store each checkpoint once (a repeat or a concurrent copy is skipped); how many were new."""
        ...

    async def advance_tracking(
        self, sub_order_id: str, tracking_no: str, tracking: Tracking
    ) -> SubOrder | None:
        """Set the shipment's state if `tracking` is newer (by `as_of`) than the stored one and
        widen its span of checkpoints; only while the shipment still has `tracking_no`. The
        sub-order as stored afterwards (None: no such sub-order)."""
        ...

    async def sub_orders_of(self, order_key: str) -> list[SubOrder]: ...
    async def correct_shipment(
        self, sub_order_id: str, supplier_id: str, correction: ShipmentCorrection
    ) -> SubOrder | None:
        """Apply the correction if the shipment is still the one it corrects and it is the next
        one allowed; its tracking restarts. The sub-order if this call changed it."""
        ...

    async def log_change_once(self, order_key: str, entry: LogEntry) -> bool:
        """Append unless an entry of this type about this sub-order and change (`data.change`)
        is already there; whether it was appended."""
        ...
