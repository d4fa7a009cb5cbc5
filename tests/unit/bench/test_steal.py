"""Steal time from /proc/stat, per window of the routed timeline; and the timeline itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench import steal
from bench.report import windows

T0 = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)
STAT = """cpu  100 5 50 800 10 0 5 30 0 0
cpu0 50 2 25 400 5 0 2 15 0 0
intr 12345
"""


def _at(seconds: float, stolen: int, total: int) -> steal.Sample:
    return steal.Sample(T0 + timedelta(seconds=seconds), stolen, total)


def test_the_machine_line_gives_steal_and_the_total_of_the_first_eight_figures() -> None:
    assert steal.parse(STAT, T0) == steal.Sample(T0, 30, 100 + 5 + 50 + 800 + 10 + 0 + 5 + 30)


def test_a_kernel_without_steal_gives_nothing() -> None:
    assert steal.parse("cpu  100 5 50 800\n", T0) is None
    assert steal.parse("", T0) is None


def test_steal_is_given_over_the_phase_and_per_window() -> None:
    samples = [
        _at(0, 0, 0),
        _at(1, 0, 200),
        _at(2, 10, 400),
        _at(3, 50, 600),
        _at(4, 90, 800),
        _at(4.5, 90, 900),
    ]
    figures = steal.figures(samples, T0, seconds=2.0)
    assert figures["share"] == round(90 / 900, 3)
    # [0, 2]: 10 of 400 ticks; [2, 4]: 80 of 400; [4, 6]: 0 of 100.
    assert figures["per_window"] == [0.025, 0.2, 0.0]


def test_a_window_with_fewer_than_two_samples_has_no_figure() -> None:
    samples = [_at(0, 0, 0), _at(0.5, 0, 100), _at(5, 10, 1000)]
    assert steal.figures(samples, T0, seconds=2.0)["per_window"] == [0.0, None, None]
    assert steal.figures(samples[:1], T0, seconds=2.0) == {"share": None, "per_window": []}


def test_the_timeline_counts_orders_per_window_including_empty_ones() -> None:
    times = [T0 + timedelta(seconds=s) for s in (0.1, 4.9, 5.0, 16.0)]
    assert windows(times, T0, 5.0) == [2, 1, 0, 1]
    assert windows([], T0, 5.0) == []
