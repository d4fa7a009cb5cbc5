"""The open-loop schedule and the latency figures of the steady phase."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench.report import percentiles
from bench.steady import Sent, by_window, latencies, schedule


def test_schedule_is_fixed_by_the_clock() -> None:
    assert schedule(4.0, 1.0) == [0.0, 0.25, 0.5, 0.75]
    assert schedule(10.0, 3.0)[-1] == 2.9
    assert len(schedule(10.0, 3.0)) == 30
    assert len(schedule(2.5, 10.0)) == 25


def test_schedule_of_nothing() -> None:
    assert schedule(0.0, 10.0) == []
    assert schedule(5.0, 0.0) == []


def test_latency_counts_from_the_scheduled_send_not_from_receipt() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    sent = [
        Sent("a", t0, 0.5),
        Sent("b", t0 + timedelta(seconds=1), 3.0),
        Sent(None, t0 + timedelta(seconds=2), 1.0),  # refused: offered, not accepted
    ]
    docs = [
        # received 100 ms late (queued in front of the edge), routed 50 ms after receipt
        {
            "_id": "a",
            "received_at": t0 + timedelta(milliseconds=100),
            "routed_at": t0 + timedelta(milliseconds=150),
        },
        {"_id": "b", "received_at": t0 + timedelta(seconds=1), "routed_at": None},
    ]
    figures = latencies(sent, docs, rate=1.0, seconds=3.0)
    assert (figures["offered"], figures["accepted"], figures["routed"]) == (3, 2, 1)
    assert figures["latency_ms"]["p99"] == 150.0
    assert figures["received_to_routed_ms"]["p99"] == 50.0
    assert figures["send_lag_ms"]["max"] == 3.0
    assert figures["latency_by_window"] == [{"routed": 1, "p50_ms": 150.0, "max_ms": 150.0}]


def test_latency_by_window_of_the_schedule_shows_where_a_stall_began() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    # two orders a second for 15 s; from second 10 each waits 2 s more than the one before
    sent = [Sent(f"o{i}", t0 + timedelta(seconds=i / 2), 0.0) for i in range(30)]
    delay_ms = [40.0 if i < 20 else 2000.0 * (i - 19) for i in range(30)]
    docs = [
        {"_id": f"o{i}", "routed_at": t0 + timedelta(seconds=i / 2, milliseconds=delay_ms[i])}
        for i in range(30)
        if i != 3  # still pending: left out of its window, not counted as fast
    ]
    windows = by_window(sent, docs, seconds=5.0)
    assert windows == [
        {"routed": 9, "p50_ms": 40.0, "max_ms": 40.0},
        {"routed": 10, "p50_ms": 40.0, "max_ms": 40.0},
        {"routed": 10, "p50_ms": 11000.0, "max_ms": 20000.0},
    ]


def test_latency_by_window_keeps_a_window_where_nothing_was_routed() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    sent = [
        Sent("a", t0, 0.0),
        Sent("b", t0 + timedelta(seconds=6), 0.0),
        Sent(None, t0 + timedelta(seconds=12), 0.0),
    ]
    docs = [{"_id": "a", "routed_at": t0 + timedelta(milliseconds=30)}, {"_id": "b", "routed_at": None}]
    assert by_window(sent, docs, seconds=5.0) == [
        {"routed": 1, "p50_ms": 30.0, "max_ms": 30.0},
        {"routed": 0, "p50_ms": None, "max_ms": None},
    ]
    assert by_window([Sent(None, t0, 0.0)], [], seconds=5.0) == []


def test_percentiles_interpolate_between_samples() -> None:
    figures = percentiles([float(v) for v in range(1, 101)])  # 1 … 100
    assert figures == {"p50": 50.5, "p95": 95.05, "p99": 99.01, "max": 100.0}


def test_percentiles_of_one_or_no_sample() -> None:
    assert percentiles([7.0]) == {"p50": 7.0, "p95": 7.0, "p99": 7.0, "max": 7.0}
    assert percentiles([]) == {"p50": None, "p95": None, "p99": None, "max": None}
