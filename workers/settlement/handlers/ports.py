"""The ports the settlement handlers need: their storage (each call one atomic change or read
of one document), and the order area's reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from workers.settlement.model import Entry, Period, Statement, StatementLine, StatementStatus


class SettlementRepository(Protocol):
    async def record(self, entry: Entry) -> Entry:
        """Store the entry unless its key is taken; the stored one either way."""
        ...

    async def entry(self, key: str) -> Entry | None: ...

    async def move_entry(self, key: str, from_statement: str, to: Period) -> Entry | None:
        """Place the entry in `to`'s statement, only if it is still placed in `from_statement`."""
        ...

    async def statement(self, statement_id: str) -> Statement | None: ...

    async def open_statement(self, supplier_id: str, period: Period) -> Statement:
        """The supplier's statement of the period, created open on first use."""
        ...

    async def add_line(self, statement_id: str, line: StatementLine) -> bool:
        """Add the line and its amount to the total, only if the statement is open and lacks it."""
        ...

    async def move(
        self, statement_id: str, source: StatementStatus, target: StatementStatus, fields: dict[str, object]
    ) -> Statement | None:
        """Set the status (and `fields`) only if it is still `source`; the statement after, or None."""
        ...

    async def due(self, ended_before: datetime) -> Sequence[Statement]:
        """Open statements whose period ended before `ended_before`."""
        ...


class OrderLineView(Protocol):
    @property
    def sku(self) -> str: ...
    @property
    def qty(self) -> int: ...
    @property
    def supplier_id(self) -> str | None: ...
    @property
    def unit_settlement(self) -> int | None: ...


class OrderView(Protocol):
    @property
    def lines(self) -> Sequence[OrderLineView]: ...
    @property
    def line_charges(self) -> list[int]:
        """What the merchant paid for each line (the order's one rule)."""
        ...


class StockLineView(Protocol):
    @property
    def sku(self) -> str: ...
    @property
    def qty(self) -> int: ...


class SubOrderView(Protocol):
    @property
    def supplier_id(self) -> str: ...
    @property
    def lines(self) -> Sequence[StockLineView]: ...
    @property
    def reship_of(self) -> str | None:
        """The original order's key when this sub-order is a reship (补单)."""
        ...


class Orders(Protocol):
    """What settlement reads of the order area (order's `OrderQueries`)."""

    async def order(self, order_key: str) -> OrderView | None: ...
    async def sub_order(self, sub_order_id: str) -> SubOrderView | None: ...
