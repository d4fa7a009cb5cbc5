"""What the sales handlers need: their storage (each call one atomic change or read) and the
orders they count, as sales sees them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from workers.sales.model import Bucket, RollupCursor, SaleFact, SoldOrder


class SoldOrders(Protocol):
    """The orders and their SKUs' categories, read through the order's and the catalog's queries."""

    async def sold_order(self, order_key: str) -> SoldOrder | None:
        """The order with each line's charge, discount share and category; None if unknown."""
        ...

    async def categories(self, skus: Sequence[str]) -> dict[str, str]:
        """Each known SKU's category now (for lines priced before they carried it)."""
        ...


class SalesRepository(Protocol):
    async def add_facts(self, facts: Sequence[SaleFact]) -> None:
        """Store the facts not stored yet (one write); a fact already there is left as it is."""
        ...

    async def cursor(self) -> RollupCursor:
        """The current roll-up batch (batch 0, closed, before the first)."""
        ...

    async def pending_facts(self, limit: int) -> list[SaleFact]:
        """Up to `limit` facts no batch has added yet."""
        ...

    async def facts(self, fact_ids: Sequence[str]) -> list[SaleFact]: ...

    async def sold_facts(self, order_key: str) -> list[SaleFact]:
        """The order's sold facts (one indexed read); none before its routing was counted."""
        ...

    async def plan(self, current: RollupCursor, planned: RollupCursor) -> bool:
        """Move the cursor to `planned` only if it still is `current` (same batch, closed)."""
        ...

    async def apply(self, batch: int, buckets: Sequence[Bucket]) -> None:
        """Add each bucket's figures and set its batch to `batch`, in each bucket whose batch is
        below `batch` (one write for all of them); a bucket at `batch` or later is left alone."""
        ...

    async def mark_applied(self, batch: int, fact_ids: Sequence[str], at: datetime) -> None:
        """Record on the facts the batch that added them, and when."""
        ...

    async def close(self, cursor: RollupCursor) -> bool:
        """Close the open batch `cursor.batch`; False if it is closed already."""
        ...
