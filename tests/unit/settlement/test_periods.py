"""Periods: weekly from Monday 00:00 UTC by default, any length counted from the same Monday."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.settlement.support import MONDAY, WEEK
from workers.settlement.model import Period, period_of, statement_id


def test_a_week_runs_from_monday_midnight_to_the_next_and_its_end_belongs_to_the_next() -> None:
    week = Period(start=MONDAY, end=MONDAY + WEEK)
    assert period_of(MONDAY, WEEK) == week
    assert period_of(MONDAY + WEEK - timedelta(microseconds=1), WEEK) == week
    assert period_of(MONDAY + WEEK, WEEK) == week.following()
    assert period_of(MONDAY - timedelta(seconds=1), WEEK) == Period(start=MONDAY - WEEK, end=MONDAY)


def test_a_shorter_period_counts_from_the_same_monday_and_names_its_statement() -> None:
    day = timedelta(days=1)
    period = period_of(MONDAY + timedelta(days=2, hours=5), day)
    assert period == Period(start=MONDAY + 2 * day, end=MONDAY + 3 * day)
    assert statement_id("sup_1", period) == "st_sup_1_20261202T000000Z"
