"""The open-loop schedule and the latency figures of the steady phase."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench.report import percentiles
from bench.steady import Sent, latencies, schedule


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


def test_percentiles_interpolate_between_samples() -> None:
    figures = percentiles([float(v) for v in range(1, 101)])  # 1 … 100
    assert figures == {"p50": 50.5, "p95": 95.05, "p99": 99.01, "max": 100.0}


def test_percentiles_of_one_or_no_sample() -> None:
    assert percentiles([7.0]) == {"p50": 7.0, "p95": 7.0, "p99": 7.0, "max": 7.0}
    assert percentiles([]) == {"p50": None, "p95": None, "p99": None, "max": None}
