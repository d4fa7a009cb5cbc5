"""The roll-up rule: facts are added to their buckets in numbered batches, one batch at a time.

A batch is planned (its fact ids written to the cursor) before any bucket moves; each bucket
takes a batch's increments only if its own `batch` is lower, and records the batch number in the
same single-document update. So a batch replayed after a crash, or run by two workers at once,
adds to each bucket exactly once; the next batch is planned only once the current one is done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from workers.sales.model.buckets import DIMS, Bucket, Granularity
from workers.sales.model.facts import SaleFact

CURSOR_ID = "sales"
#: The only granularity stored (buckets of older versions by day are neither read nor audited).
STORED = Granularity.HOUR
#: An open batch of another copy is left to it this long; after that it is presumed crashed.
STALE_AFTER = timedelta(seconds=10)


class RollupCursor(BaseModel):
    """The current batch: `open` while its buckets and facts may not all be updated yet."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(default=CURSOR_ID, alias="_id")
    batch: int = 0
    open: bool = False
    fact_ids: list[str] = Field(default_factory=list)
    #: The copy that planned the open batch, and when.
    owner: str = ""
    planned_at: datetime | None = None

    def planned(self, fact_ids: list[str], owner: str, at: datetime) -> RollupCursor:
        update = {
            "batch": self.batch + 1,
            "open": True,
            "fact_ids": fact_ids,
            "owner": owner,
            "planned_at": at,
        }
        return self.model_copy(update=update)

    def left_to_another(self, me: str, now: datetime) -> bool:
        """Open, planned by another copy that may still be running it: replaying it now would
        only repeat its writes (harmless, not free)."""
        if not self.open or self.owner == me or self.planned_at is None:
            return False
        return now - self.planned_at < STALE_AFTER

    def closed(self) -> RollupCursor:
        return self.model_copy(update={"open": False, "fact_ids": []})


def buckets_of(fact: SaleFact) -> list[Bucket]:
    """Every bucket the fact adds to, with what it adds: each dimension, in the hour of the sale.
    Days are not stored: a day is the sum of its hours (every fact of an order falls in one hour,
    so an order counted once per hour bucket is counted once per day too)."""
    return [Bucket.of(dim, fact, fact.sold_at, STORED).plus(fact.figures_in(dim)) for dim in DIMS]


def increments(facts: Iterable[SaleFact]) -> list[Bucket]:
    """The facts' contributions summed per bucket: one update per bucket for the whole batch."""
    summed: dict[str, Bucket] = {}
    for fact in facts:
        for bucket in buckets_of(fact):
            known = summed.get(bucket.id)
            summed[bucket.id] = bucket if known is None else known.plus(bucket.figures)
    return [bucket for bucket in summed.values() if bucket.figures.as_increments()]
