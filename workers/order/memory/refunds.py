"""In-memory twin of `MongoRefunds`: the same conditional semantics per call, over the orders and
sub-orders of a `MemoryOrders`. Each call runs without an await in between, so it is as atomic
as the single-document write it stands for; what it returns is a copy."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from workers.order.memory.orders import MemoryOrders
from workers.order.model import (
    SUB_ORDER_MOVES,
    Cancellation,
    LogEntry,
    Order,
    SubOrder,
    SubOrderAction,
    lines_after,
)
from workers.order.model.fields import stored_fields
from workers.order.model.refunds import Refund, RefundState
from workers.order.model.refunds_ledger import RefundLedger
from workers.order.model.returns import Return, ReturnState

M = Any


def _moved(model: M, target: str, entry: LogEntry, fields: dict[str, Any] | None) -> M:
    data = {**model.model_dump(by_alias=True), **stored_fields(fields), "state": target}
    data["history"] = [*data["history"], entry.model_dump()]
    return type(model).model_validate(data)


class MemoryRefunds:
    def __init__(self, orders: MemoryOrders) -> None:
        self._orders = orders
        self.refunds: dict[str, Refund] = {}
        self.returns: dict[str, Return] = {}
        self.ledgers: dict[str, RefundLedger] = {}

    async def add_refund(self, refund: Refund) -> Refund:
        return self.refunds.setdefault(refund.key, refund).model_copy(deep=True)

    async def get_refund(self, refund_key: str) -> Refund | None:
        refund = self.refunds.get(refund_key)
        return None if refund is None else refund.model_copy(deep=True)

    async def move_refund(
        self,
        refund_key: str,
        sources: Collection[RefundState],
        target: RefundState,
        entry: LogEntry,
        fields: dict[str, Any] | None = None,
    ) -> Refund | None:
        refund = self.refunds.get(refund_key)
        if refund is not None and refund.state in sources:
            self.refunds[refund_key] = _moved(refund, target, entry, fields)
        return await self.get_refund(refund_key)

    async def ledger(self, order: Order) -> RefundLedger:
        stored = self.ledgers.get(order.key)
        return RefundLedger.opened(order) if stored is None else stored.model_copy(deep=True)

    async def save_ledger(self, ledger: RefundLedger, read_version: int) -> bool:
        stored = self.ledgers.get(ledger.order_key)
        if (stored.version if stored is not None else 0) != read_version:
            return False
        self.ledgers[ledger.order_key] = ledger.model_copy(deep=True)
        return True

    async def cancel_lines(self, sub_order_id: str, cancellation: Cancellation) -> SubOrder | None:
        sources, target = SUB_ORDER_MOVES[SubOrderAction.CANCEL]
        sub = self._orders.sub_orders.get(sub_order_id)
        if sub is None or sub.cancelled_by(cancellation.refund_key) or sub.status not in sources:
            return None if sub is None else sub.model_copy(deep=True)
        left = lines_after(sub.lines, cancellation.lines)
        fields: dict[str, Any] = {"lines": left, "cancellations": [*sub.cancellations, cancellation]}
        if not left:
            fields["status"] = target
        self._orders.sub_orders[sub_order_id] = sub.model_copy(update=fields)
        return self._orders.sub_orders[sub_order_id].model_copy(deep=True)

    async def sub_orders_of(self, order_key: str) -> list[SubOrder]:
        subs = [s for s in self._orders.sub_orders.values() if s.order_key == order_key]
        return [s.model_copy(deep=True) for s in sorted(subs, key=lambda s: s.supplier_id)]

    async def stop_awaiting(self, order_key: str, sub_order_id: str, entry: LogEntry) -> None:
        order = self._orders.orders.get(order_key)
        if order is None or sub_order_id not in order.awaiting_shipment:
            return
        awaiting = [s for s in order.awaiting_shipment if s != sub_order_id]
        self._orders.orders[order_key] = order.model_copy(
            update={"awaiting_shipment": awaiting, "events": [*order.events, entry]}
        )

    async def log_once_by(self, order_key: str, entry: LogEntry, field: str) -> None:
        order = self._orders.orders.get(order_key)
        value = entry.data.get(field)
        if order is None or any(e.type == entry.type and e.data.get(field) == value for e in order.events):
            return
        self._orders.orders[order_key] = order.model_copy(update={"events": [*order.events, entry]})

    async def add_returns(self, returns: list[Return]) -> None:
        for ret in returns:
            self.returns.setdefault(ret.id, ret.model_copy(deep=True))

    async def get_return(self, return_id: str) -> Return | None:
        ret = self.returns.get(return_id)
        return None if ret is None else ret.model_copy(deep=True)

    async def returns_of(self, refund_key: str) -> list[Return]:
        found = [r for r in self.returns.values() if r.refund_key == refund_key]
        return [r.model_copy(deep=True) for r in sorted(found, key=lambda r: r.id)]

    async def move_return(
        self,
        return_id: str,
        sources: Collection[ReturnState],
        target: ReturnState,
        entry: LogEntry,
        fields: dict[str, Any] | None = None,
    ) -> Return | None:
        ret = self.returns.get(return_id)
        if ret is not None and ret.state in sources:
            self.returns[return_id] = _moved(ret, target, entry, fields)
        return await self.get_return(return_id)
