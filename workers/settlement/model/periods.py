"""Settlement periods: fixed lengths counted from a Monday, so a weekly period runs Monday
00:00 UTC to the next Monday; a statement is closed only after a hold past its period's end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict

#: Periods are counted from this Monday, 00:00 UTC.
ANCHOR = datetime(1970, 1, 5, tzinfo=UTC)


@dataclass(frozen=True)
class Terms:
    """How long a period is, and how long after its end its statement stays open."""

    period: timedelta
    hold: timedelta

    @classmethod
    def of_days(cls, period_days: float, hold_days: float) -> Terms:
        return cls(timedelta(days=period_days), timedelta(days=hold_days))


class Period(BaseModel):
    """From `start` (inclusive) to `end` (exclusive)."""

    model_config = ConfigDict(frozen=True)
    start: datetime
    end: datetime

    def following(self) -> Period:
        return Period(start=self.end, end=self.end + (self.end - self.start))


def period_of(at: datetime, length: timedelta) -> Period:
    """The period holding `at`."""
    start = ANCHOR + ((at - ANCHOR) // length) * length
    return Period(start=start, end=start + length)


def statement_id(supplier_id: str, period: Period) -> str:
    """One statement per supplier per period: its id says which."""
    return f"st_{supplier_id}_{period.start:%Y%m%dT%H%M%SZ}"
