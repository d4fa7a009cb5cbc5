"""The periods a sales query reads, as hour buckets: only hours are stored, a day is the sum of
its hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workers.sales.model import Granularity

Doc = dict[str, Any]
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """Buckets whose hour or day starts in [start, end); either end may be open."""

    start: datetime | None = None
    end: datetime | None = None

    def whole_days(self) -> bool:
        return all(t is None or t == _day_of(t) for t in (self.start, self.end))

    def query(self, granularity: Granularity) -> Doc:
        """The hour buckets of the period: for days, the hours of the days starting in it."""
        bounds = {"$gte": self.start, "$lt": self.end}
        if granularity is Granularity.DAY:
            bounds = {op: None if at is None else _next_day_from(at) for op, at in bounds.items()}
        chosen = {op: at for op, at in bounds.items() if at is not None}
        return {"period": chosen} if chosen else {}


def _day_of(at: datetime) -> datetime:
    return at.replace(hour=0, minute=0, second=0, microsecond=0)


def _next_day_from(at: datetime) -> datetime:
    """The first midnight at or after `at`."""
    day = _day_of(at)
    return day if day == at else day + ONE_DAY


def hours_of(days: set[datetime]) -> list[datetime]:
    """The hours of these days (24 each)."""
    return sorted(day + timedelta(hours=h) for day in days for h in range(24))
