"""In-memory twin of `MongoOrderRepository`: the same conditional semantics per call.

Each call runs without an await in between, so it is as atomic as the single-document update
it stands for; what it returns is a copy, as a read from the store would be.
"""

from __future__ import annotations

from datetime import datetime

from workers.order.model import (
    COUPON_APPLIED,
    COUPON_ASKED,
    ORDER_STEPS,
    SUB_ORDER_MOVES,
    LogEntry,
    Order,
    OrderChange,
    OrderStatus,
    OrderStep,
    Push,
    Shipment,
    SubOrder,
    SubOrderAction,
)


class MemoryOrders:
    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.sub_orders: dict[str, SubOrder] = {}

    async def get(self, order_key: str) -> Order | None:
        order = self.orders.get(order_key)
        return None if order is None else order.model_copy(deep=True)

    async def insert(self, order: Order) -> Order:
        return self.orders.setdefault(order.key, order.model_copy(deep=True)).model_copy(deep=True)

    async def transition(
        self, order_key: str, step: OrderStep, entries: list[LogEntry], change: OrderChange | None = None
    ) -> Order | None:
        order = self.orders.get(order_key)
        if order is None:
            return None
        sources, target = ORDER_STEPS[step]
        if order.status in sources:
            fields = {} if change is None else change.model_dump(exclude_none=True)
            self._update(order, status=target, events=[*order.events, *entries], **fields)
        return await self.get(order_key)

    async def log_once(self, order_key: str, entry: LogEntry, sub_order_id: str) -> None:
        order = self.orders.get(order_key)
        if order is None or any(
            e.type == entry.type and e.data.get("sub_order_id") == sub_order_id for e in order.events
        ):
            return
        self._update(order, events=[*order.events, entry])

    async def oldest_awaiting_funds(self, merchant_id: str) -> Order | None:
        waiting = [
            o
            for o in self.orders.values()
            if o.merchant_id == merchant_id and o.status == OrderStatus.AWAITING_FUNDS
        ]
        return min(waiting, key=lambda o: o.received_at).model_copy(deep=True) if waiting else None

    async def mark_sub_order_shipped(self, order_key: str, sub_order_id: str, entry: LogEntry) -> bool:
        order = self.orders.get(order_key)
        if order is None or sub_order_id not in order.awaiting_shipment:
            return False
        awaiting = [s for s in order.awaiting_shipment if s != sub_order_id]
        self._update(order, awaiting_shipment=awaiting, events=[*order.events, entry])
        return True

    async def finish_shipping(self, order_key: str, entry: LogEntry) -> Order | None:
        order = self.orders.get(order_key)
        sources, target = ORDER_STEPS[OrderStep.SHIP]
        if order is None or order.status not in sources or order.awaiting_shipment:
            return None
        self._update(order, status=target, shipped_at=entry.at, events=[*order.events, entry])
        return await self.get(order_key)

    async def apply_coupon(
        self, order_key: str, coupon_id: str | None, discount: int, entry: LogEntry
    ) -> Order | None:
        order = self.orders.get(order_key)
        if order is None:
            return None
        asking = order.status == OrderStatus.RESERVED and order.coupon_step == COUPON_ASKED
        if asking and order.charged >= discount:
            self._update(
                order,
                coupon_step=COUPON_APPLIED,
                coupon_id=coupon_id,
                discount=discount,
                charged=order.charged - discount,
                events=[*order.events, entry],
            )
        return await self.get(order_key)

    async def add_sub_orders(self, subs: list[SubOrder]) -> list[SubOrder]:
        existed = any(sub.id in self.sub_orders for sub in subs)
        for sub in subs:
            self.sub_orders.setdefault(sub.id, sub.model_copy(deep=True))
        if not existed:
            return subs
        stored = [self.sub_orders[sub.id].model_copy(deep=True) for sub in subs]
        return sorted(stored, key=lambda s: s.supplier_id)

    async def get_sub_order(self, sub_order_id: str) -> SubOrder | None:
        sub = self.sub_orders.get(sub_order_id)
        return None if sub is None else sub.model_copy(deep=True)

    async def note_push(self, sub_order_id: str, push: Push) -> None:
        sub = self.sub_orders.get(sub_order_id)
        if sub is not None and (sub.push is None or sub.push.attempts <= push.attempts):
            self.sub_orders[sub_order_id] = sub.model_copy(update={"push": push})

    async def accept_sub_order(self, sub_order_id: str, supplier_id: str, at: datetime) -> SubOrder | None:
        return self._move(sub_order_id, supplier_id, SubOrderAction.ACCEPT, accepted_at=at)

    async def ship_sub_order(
        self, sub_order_id: str, supplier_id: str, shipment: Shipment
    ) -> SubOrder | None:
        return self._move(sub_order_id, supplier_id, SubOrderAction.SHIP, shipment=shipment)

    async def cancel_sub_orders(self, sub_order_ids: list[str]) -> None:
        sources, target = SUB_ORDER_MOVES[SubOrderAction.CANCEL]
        for sub_id in sub_order_ids:
            sub = self.sub_orders.get(sub_id)
            if sub is not None and sub.status in sources:
                self.sub_orders[sub_id] = sub.model_copy(update={"status": target})

    def _move(
        self, sub_order_id: str, supplier_id: str, action: SubOrderAction, **fields: object
    ) -> SubOrder | None:
        sub = self.sub_orders.get(sub_order_id)
        if sub is None:
            return None
        sources, target = SUB_ORDER_MOVES[action]
        if sub.supplier_id == supplier_id and sub.status in sources:
            sub = self.sub_orders[sub_order_id] = sub.model_copy(update={"status": target, **fields})
        return sub.model_copy(deep=True)

    def _update(self, order: Order, **fields: object) -> None:
        self.orders[order.key] = order.model_copy(update=fields)
