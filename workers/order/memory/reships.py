"""In-memory twin of `MongoReships`, on the same dictionaries as a `MemoryOrders`."""

from __future__ import annotations

from workers.order.memory.orders import MemoryOrders
from workers.order.model import LogEntry, SubOrder
from workers.order.model.reship_links import ReshipClaim


class MemoryReships:
    def __init__(self, orders: MemoryOrders) -> None:
        self._orders = orders

    async def sub_orders_of(self, order_key: str) -> list[SubOrder]:
        subs = [s for s in self._orders.sub_orders.values() if s.order_key == order_key]
        return [s.model_copy(deep=True) for s in sorted(subs, key=lambda s: s.supplier_id)]

    async def claim(self, order_key: str, claim: ReshipClaim, seen: int, entry: LogEntry) -> bool:
        order = self._orders.orders.get(order_key)
        if order is None or len(order.reships) != seen or any(c.key == claim.key for c in order.reships):
            return False
        self._orders.orders[order_key] = order.model_copy(
            update={"reships": [*order.reships, claim], "events": [*order.events, entry]}
        )
        return True

    async def release(self, order_key: str, reship_key: str, reason: str, entry: LogEntry) -> bool:
        order = self._orders.orders.get(order_key)
        if order is None or not any(c.key == reship_key and c.rejected is None for c in order.reships):
            return False
        claims = [
            c.model_copy(update={"rejected": reason}) if c.key == reship_key else c for c in order.reships
        ]
        self._orders.orders[order_key] = order.model_copy(
            update={"reships": claims, "events": [*order.events, entry]}
        )
        return True

    async def log_refusal(self, order_key: str, entry: LogEntry, reship_key: str) -> None:
        order = self._orders.orders.get(order_key)
        if order is None or any(
            e.type == entry.type and e.data.get("reship_key") == reship_key for e in order.events
        ):
            return
        self._orders.orders[order_key] = order.model_copy(update={"events": [*order.events, entry]})
