"""In-memory twin of `MongoTracking`, over the same `MemoryOrders`: each call as atomic as the
write it stands for."""

from __future__ import annotations

from workers.order.memory.orders import MemoryOrders
from workers.order.model import LogEntry, SubOrder, SubOrderStatus
from workers.order.model.tracking import (
    MAX_CORRECTIONS,
    Checkpoint,
    ShipmentCorrection,
    Tracking,
    merge_checkpoints,
)


class MemoryTracking:
    def __init__(self, orders: MemoryOrders) -> None:
        self._orders = orders
        self.checkpoints: dict[str, Checkpoint] = {}

    def of(self, sub_order_id: str) -> list[Checkpoint]:
        """A sub-order's checkpoints, newest first, as the view shows them."""
        mine = [c for c in self.checkpoints.values() if c.sub_order_id == sub_order_id]
        return merge_checkpoints(mine, [])

    async def add_checkpoints(self, checkpoints: list[Checkpoint]) -> int:
        new = [c for c in checkpoints if c.id not in self.checkpoints]
        self.checkpoints.update({c.id: c.model_copy() for c in new})
        return len(new)

    async def advance_tracking(
        self, sub_order_id: str, tracking_no: str, tracking: Tracking
    ) -> SubOrder | None:
        sub = self._orders.sub_orders.get(sub_order_id)
        if sub is None:
            return None
        current = sub.status == SubOrderStatus.SHIPPED and sub.shipment is not None
        if current and sub.shipment is not None and sub.shipment.tracking_no == tracking_no:
            stored = sub.tracking
            if stored is None or stored.as_of < tracking.as_of:
                kept = tracking if stored is None else _widened(tracking, stored)
                sub = self._set(sub, tracking=kept)
            elif stored is not None:
                sub = self._set(sub, tracking=_widened(stored, tracking))
        return sub.model_copy(deep=True)

    async def sub_orders_of(self, order_key: str) -> list[SubOrder]:
        subs = [s.model_copy(deep=True) for s in self._orders.sub_orders.values() if s.order_key == order_key]
        return sorted(subs, key=lambda s: s.supplier_id)

    async def correct_shipment(
        self, sub_order_id: str, supplier_id: str, correction: ShipmentCorrection
    ) -> SubOrder | None:
        sub = self._orders.sub_orders.get(sub_order_id)
        if (
            sub is None
            or sub.shipment is None
            or sub.supplier_id != supplier_id
            or sub.status != SubOrderStatus.SHIPPED
            or (sub.shipment.carrier, sub.shipment.tracking_no)
            != (correction.previous_carrier, correction.previous_tracking_no)
            or len(sub.corrections) >= min(correction.number, MAX_CORRECTIONS)
        ):
            return None
        shipment = sub.shipment.model_copy(
            update={"carrier": correction.carrier, "tracking_no": correction.tracking_no}
        )
        corrections = [*sub.corrections, correction]
        return self._set(sub, shipment=shipment, corrections=corrections, tracking=None).model_copy(deep=True)

    async def log_change_once(self, order_key: str, entry: LogEntry) -> bool:
        order = self._orders.orders.get(order_key)
        if order is None or any(
            e.type == entry.type
            and e.data.get("sub_order_id") == entry.data.get("sub_order_id")
            and e.data.get("change") == entry.data.get("change")
            for e in order.events
        ):
            return False
        self._orders.orders[order_key] = order.model_copy(update={"events": [*order.events, entry]})
        return True

    def _set(self, sub: SubOrder, **fields: object) -> SubOrder:
        updated = sub.model_copy(update=fields)
        self._orders.sub_orders[sub.id] = updated
        return updated


def _widened(kept: Tracking, other: Tracking) -> Tracking:
    """`kept`'s state, over the span of checkpoints both have seen."""
    firsts = [t for t in (kept.first_at, other.first_at) if t is not None]
    lasts = [t for t in (kept.last_at, other.last_at) if t is not None]
    return kept.model_copy(
        update={"first_at": min(firsts, default=None), "last_at": max(lasts, default=None)}
    )
