"""In-memory twin of the sales repository, for unit tests: the same calls, each as atomic as the
store's (a fact stored once by id; a bucket takes a batch only if its own batch is lower)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from workers.sales.model import PENDING, Bucket, FactKind, RollupCursor, SaleFact


class MemorySales:
    def __init__(self) -> None:
        self.stored_facts: dict[str, SaleFact] = {}
        self.buckets: dict[str, Bucket] = {}
        self.rollup_cursor: RollupCursor | None = None
        #: Calls to fail once, by name: a crash between two steps of a handler.
        self.crash_before: set[str] = set()
        #: Crash after adding to this many buckets of the next `apply` (a write cut half-way).
        self.crash_in_apply_after: int | None = None

    def _step(self, name: str) -> None:
        if name in self.crash_before:
            self.crash_before.discard(name)
            raise ConnectionError(f"crashed before {name}")

    async def add_facts(self, facts: Sequence[SaleFact]) -> None:
        self._step("add_facts")
        for fact in facts:
            self.stored_facts.setdefault(fact.id, fact)

    async def cursor(self) -> RollupCursor:
        return self.rollup_cursor or RollupCursor()

    async def pending_facts(self, limit: int) -> list[SaleFact]:
        return [f for f in self.stored_facts.values() if f.batch == PENDING][:limit]

    async def facts(self, fact_ids: Sequence[str]) -> list[SaleFact]:
        return [self.stored_facts[i] for i in fact_ids if i in self.stored_facts]

    async def sold_facts(self, order_key: str) -> list[SaleFact]:
        return [f for f in self.stored_facts.values() if f.order_key == order_key and f.kind is FactKind.SOLD]

    async def plan(self, current: RollupCursor, planned: RollupCursor) -> bool:
        now = await self.cursor()
        if (now.batch, now.open) != (current.batch, False):
            return False
        self.rollup_cursor = planned
        return True

    async def apply(self, batch: int, buckets: Sequence[Bucket]) -> None:
        self._step("apply")
        for i, bucket in enumerate(buckets):
            if i == self.crash_in_apply_after:
                self.crash_in_apply_after = None
                raise ConnectionError("crashed during apply")
            known = self.buckets.get(bucket.id)
            if known is None:
                self.buckets[bucket.id] = bucket.model_copy(update={"batch": batch})
            elif known.batch < batch:
                self.buckets[bucket.id] = known.plus(bucket.figures).model_copy(update={"batch": batch})

    async def mark_applied(self, batch: int, fact_ids: Sequence[str], at: datetime) -> None:
        self._step("mark_applied")
        for fact_id in fact_ids:
            fact = self.stored_facts[fact_id]
            if fact.batch == PENDING:
                self.stored_facts[fact_id] = fact.model_copy(update={"batch": batch, "applied_at": at})

    async def close(self, cursor: RollupCursor) -> bool:
        self._step("close")
        now = await self.cursor()
        if (now.batch, now.open) != (cursor.batch, True):
            return False
        self.rollup_cursor = cursor.closed()
        return True
