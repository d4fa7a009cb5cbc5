"""The printed summary of a steady-only run: no burst figures, the goals it could not judge n/a."""

from __future__ import annotations

from typing import Any

from bench.goals import burst_goals
from bench.summary import audit_lines, render


def test_a_steady_only_run_prints_its_phase_and_the_goals() -> None:
    latency = {"p50": 40.0, "p95": 90.0, "p99": 120.0, "max": 130.0}
    result: dict[str, Any] = {
        "config": {"orders": 0, "lines": "2", "merchants": 1, "skus": 2, "concurrency": 4, "prefetch": 64},
        "machine": {"cpu_count": 2},
        "ceilings": None,
        "steady": {
            "rate": 5.0,
            "seconds": 10.0,
            "offered": 50,
            "accepted": 50,
            "routed": 50,
            "latency_ms": latency,
            "received_to_routed_ms": latency,
            "send_lag_ms": {"p99": 1.0, "max": 2.0},
            "sales": {"rollup_delay_seconds": {"p50": 0.3, "p95": 0.8, "max": 1.2}, "not_rolled_up": 0},
        },
    }
    result["goals"] = burst_goals(result)
    text = render(result, "bench/results/x.json")
    assert "Burst" not in text
    assert "Ceilings" not in text
    assert "send->routed     : p50 40.00 ms  p95 90.00 ms  p99 120.00 ms  max 130.00 ms" in text
    assert (
        "sales roll-ups   : event->roll-up p50 0.30 s  p95 0.80 s  max 1.20 s  (facts not rolled up: 0)"
        in text
    )
    assert [line.split()[-1] for line in text.splitlines() if "<=" in line or ">=" in line] == [
        "n/a",
        "n/a",
        "n/a",
        "n/a",
        "PASS",
        "PASS",
    ]


def test_the_audit_is_printed_clean_or_with_its_first_problems() -> None:
    assert audit_lines({"problems": 0, "first": []}) == [
        "Audit (juhe audit's checks on the run's data): clean"
    ]
    assert audit_lines({"problems": 12, "first": ["stock SKU-1: reserved 3, holds 2"]}) == [
        "Audit: 12 problems",
        "  stock SKU-1: reserved 3, holds 2",
    ]
    assert audit_lines(None) == []
