"""Sales' read side: summaries, series, tops and changes from the roll-ups; the audit of every
roll-up against its facts. The only code that reads the sales collections."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from workers.sales.model import (
    BUCKETS,
    CURSOR_ID,
    CURSORS,
    FACTS,
    FIGURES,
    STORED,
    ZERO,
    Figures,
    Granularity,
    RollupCursor,
    SaleFact,
    increments,
    period_of,
)
from workers.sales.queries.periods import Period, hours_of
from workers.sales.queries.views import (
    PERIOD,
    GroupBy,
    Metric,
    Reading,
    SalesPoint,
    SalesRow,
    Series,
    SeriesPoint,
    Slice,
    Summary,
    group_stage,
    reading,
    shown_key,
)

Doc = dict[str, Any]

__all__ = [
    "GroupBy",
    "Metric",
    "Period",
    "SalesPoint",
    "SalesQueries",
    "SalesRow",
    "Series",
    "SeriesPoint",
    "Slice",
    "Summary",
    "reading",
]


class SalesQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def summary(self, where: Slice, group_by: GroupBy, period: Period) -> Summary | None:
        """Figures per group over the period (days shown when the period is whole days, else
        hours); None when the slice has no such grouping. Largest revenue first."""
        granularity = (
            Granularity.DAY if period.whole_days() and group_by != GroupBy.HOUR else Granularity.HOUR
        )
        points = await self._points(where, group_by, granularity, period, by_period=False)
        if points is None:
            return None
        rows = [SalesRow.of(p.key, p.figures()) for p in points]
        return Summary(items=sorted(rows, key=lambda r: (-r.revenue, r.key)))

    async def series(
        self, where: Slice, group_by: GroupBy, granularity: Granularity, period: Period, metric: Metric
    ) -> Series | None:
        """One metric per group and period, oldest period first."""
        points = await self._points(where, group_by, granularity, period, by_period=True)
        if points is None:
            return None
        items = [SeriesPoint(key=p.key, period=p.period, value=getattr(p, metric.value)) for p in points]
        return Series(metric=metric, granularity=granularity.value, items=items)

    async def points(
        self, where: Slice, group_by: GroupBy, granularity: Granularity, period: Period
    ) -> list[SalesPoint] | None:
        """Every (group, period) of the roll-ups with its figures, oldest period first."""
        return await self._points(where, group_by, granularity, period, by_period=True)

    async def points_in(
        self, where: Slice, group_by: GroupBy, granularity: Granularity, periods: set[datetime]
    ) -> list[SalesPoint]:
        """The (group, period) figures of these periods only (a live view's changed periods)."""
        hours = hours_of(periods) if granularity is Granularity.DAY else sorted(periods)
        chosen = await self._points(where, group_by, granularity, {"period": {"$in": hours}}, by_period=True)
        return chosen or []

    async def _points(
        self,
        where: Slice,
        group_by: GroupBy,
        granularity: Granularity,
        period: Period | Doc,
        *,
        by_period: bool,
    ) -> list[SalesPoint] | None:
        """Read from the hour buckets; a day's figures are the sum of its hours (at most 24 per
        group and day)."""
        chosen = reading(where, group_by)
        if chosen is None:
            return None
        when = period.query(granularity) if isinstance(period, Period) else period
        match = {"dim": chosen.dim, "granularity": STORED.value, **where.filter(), **when}
        pipeline = [{"$match": match}, group_stage(chosen.shown, by_period)]
        groups = await (await self._db[BUCKETS].aggregate(pipeline)).to_list()
        return _points_by(groups, chosen, granularity)

    async def batch(self) -> int:
        """The last roll-up batch completed: every bucket is up to date with it."""
        doc = await self._db[CURSORS].find_one({"_id": CURSOR_ID})
        cursor = RollupCursor() if doc is None else RollupCursor.model_validate(doc)
        return cursor.batch - 1 if cursor.open else cursor.batch

    async def changed_periods(
        self, where: Slice, group_by: GroupBy, granularity: Granularity, after: int, upto: int
    ) -> set[datetime]:
        """The periods of the buckets this view reads that batches (after, upto] added to."""
        chosen = reading(where, group_by)
        if chosen is None:
            return set()
        match = {"dim": chosen.dim, "granularity": STORED.value, "batch": {"$gt": after, "$lte": upto}}
        cursor = self._db[BUCKETS].find({**match, **where.filter()}, {"period": 1})
        return {period_of(doc["period"].replace(tzinfo=UTC), granularity) async for doc in cursor}

    async def rollup_mismatches(self) -> list[str]:
        """Every roll-up that differs from the sum of its facts (a fact not yet added counts as a
        difference too: at a quiet moment none is pending)."""
        facts = [SaleFact.model_validate(doc) async for doc in self._db[FACTS].find()]
        expected = {bucket.id: bucket.figures for bucket in increments(facts)}
        buckets = self._db[BUCKETS].find({"granularity": STORED.value})
        stored = {doc["_id"]: Figures.model_validate(doc) async for doc in buckets}
        pairs = {
            b: (stored.get(b, Figures()), expected.get(b, Figures())) for b in expected.keys() | stored.keys()
        }
        return [f"{b}: {_differences(*pair)}" for b, pair in sorted(pairs.items()) if pair[0] != pair[1]]

    async def rollup_delays(
        self, since: str = "event_at", order_keys: list[str] | None = None
    ) -> list[float]:
        """Seconds from each fact's event (or its storing, `since="stored_at"`) to the roll-up
        that added it, of every fact or of these orders' facts: the benchmark's figures."""
        query: Doc = {"applied_at": {"$ne": None}, since: {"$ne": None}}
        if order_keys is not None:
            query["order_key"] = {"$in": order_keys}
        cursor = self._db[FACTS].find(query, {"applied_at": 1, since: 1})
        return [(doc["applied_at"] - doc[since]).total_seconds() async for doc in cursor]

    async def unapplied(self, order_keys: list[str]) -> int:
        """How many of these orders' facts no roll-up has added yet."""
        return await self._db[FACTS].count_documents({"order_key": {"$in": order_keys}, "applied_at": None})

    async def facts_of(self, order_key: str) -> AsyncIterator[SaleFact]:
        async for doc in self._db[FACTS].find({"order_key": order_key}):
            yield SaleFact.model_validate(doc)


def _points_by(groups: list[Doc], chosen: Reading, granularity: Granularity) -> list[SalesPoint]:
    """Each group's figures per period of `granularity` (an hour's added to its day's), oldest
    period first."""
    summed: dict[tuple[str, datetime], Figures] = {}
    for doc in groups:
        group = doc["_id"]
        hour = group.get("period") or (group["k"] if chosen.shown == PERIOD else None)
        period = (
            datetime.min.replace(tzinfo=UTC)
            if hour is None
            else period_of(hour.replace(tzinfo=UTC), granularity)
        )
        key = (shown_key(group, chosen.shown, period, granularity), period)
        summed[key] = summed.get(key, ZERO) + Figures.model_validate({f: doc[f] for f in FIGURES})
    points = [SalesPoint.at(key, period, figures) for (key, period), figures in summed.items()]
    return sorted(points, key=lambda p: (p.period, p.key))


def _differences(stored: Figures, expected: Figures) -> str:
    return ", ".join(
        f"{name} {getattr(stored, name)} (facts: {getattr(expected, name)})"
        for name in FIGURES
        if getattr(stored, name) != getattr(expected, name)
    )
