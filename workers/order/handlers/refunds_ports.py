"""What the after-sale handlers need from storage: refunds, returns, the refund ledger, and the
cancellation of sub-order lines. `MongoRefunds` and its twin `MemoryRefunds` satisfy it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol

from workers.order.model import Cancellation, LogEntry, Order, SubOrder
from workers.order.model.refunds import Refund, RefundState
from workers.order.model.refunds_ledger import RefundLedger
from workers.order.model.returns import Return, ReturnState


class RefundStore(Protocol):
    async def add_refund(self, refund: Refund) -> Refund:
        """Insert once; a repeat gets the stored refund back."""
        ...

    async def get_refund(self, refund_key: str) -> Refund | None: ...
    async def move_refund(
        self,
        refund_key: str,
        sources: Collection[RefundState],
        target: RefundState,
        entry: LogEntry,
        fields: dict[str, Any] | None = None,
    ) -> Refund | None:
        """`target` if the refund is in one of `sources`, logging in the same write; as stored after."""
        ...

    async def ledger(self, order: Order) -> RefundLedger:
        """The order's refund ledger, or a fresh one (version 0, not yet stored)."""
        ...

    async def save_ledger(self, ledger: RefundLedger, read_version: int) -> bool:
        """Store it if the ledger is still at `read_version` as read; False when it moved."""
        ...

    async def cancel_lines(self, sub_order_id: str, cancellation: Cancellation) -> SubOrder | None:
        """Take the lines off the sub-order if it is not shipped (all gone: `cancelled`), once per
        refund; the sub-order as stored afterwards either way."""
        ...

    async def sub_orders_of(self, order_key: str) -> list[SubOrder]: ...
    async def stop_awaiting(self, order_key: str, sub_order_id: str, entry: LogEntry) -> None:
        """The order no longer awaits this (cancelled) sub-order's shipment; logged once."""
        ...

    async def log_once_by(self, order_key: str, entry: LogEntry, field: str) -> None:
        """Append unless an entry of this type with the same `data[field]` is there."""
        ...

    async def add_returns(self, returns: list[Return]) -> None:
        """Insert each once."""
        ...

    async def get_return(self, return_id: str) -> Return | None: ...
    async def returns_of(self, refund_key: str) -> list[Return]: ...
    async def move_return(
        self,
        return_id: str,
        sources: Collection[ReturnState],
        target: ReturnState,
        entry: LogEntry,
        fields: dict[str, Any] | None = None,
    ) -> Return | None:
        """`target` if the return is in one of `sources`, logging in the same write; as stored after."""
        ...
