"""The printed summary of a steady-only run: no burst figures, the goals it could not judge n/a."""

from __future__ import annotations

from typing import Any

from bench.goals import burst_goals
from bench.summary import audit_lines, render


def _steady_only() -> dict[str, Any]:
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
    return result


def test_a_steady_only_run_prints_its_phase_and_the_goals() -> None:
    text = render(_steady_only(), "bench/results/x.json")
    assert "Burst" not in text
    assert "Ceilings" not in text
    assert "send->routed     : p50 40.00 ms  p95 90.00 ms  p99 120.00 ms  max 130.00 ms" in text
    assert (
        "sales roll-ups   : event->roll-up p50 0.30 s  p95 0.80 s  max 1.20 s  (facts not rolled up: 0)"
        in text
    )
    assert "by 5 s sent" not in text  # an older result, without windows
    assert [line.split()[-1] for line in text.splitlines() if "<=" in line or ">=" in line] == [
        "n/a",
        "n/a",
        "n/a",
        "n/a",
        "PASS",
        "PASS",
    ]


def test_a_steady_phase_prints_its_windows_steal_and_cpu() -> None:
    result = _steady_only()
    result["steady"] |= {
        "window_seconds": 5.0,
        "latency_by_window": [
            {"routed": 10, "p50_ms": 41.2, "max_ms": 80.0},
            {"routed": 0, "p50_ms": None, "max_ms": None},
            {"routed": 9, "p50_ms": 1710.5, "max_ms": 6802.9},
        ],
        "steal": {"share": 0.021, "per_window": [0.0, None, 0.05, 0.01]},
        "cpu_ms_per_order": {"store": {"ms_per_order": 20.5}, "workers": {"ms_per_order": 12.25}},
    }
    lines = render(result, "bench/results/x.json").splitlines()
    at = lines.index("  send lag         : p99 1.00 ms  max 2.00 ms")
    assert lines[at + 1 : at + 5] == [
        "  by 5 s sent      : p50 ms 41 - 1710",
        "                     max ms 80 - 6803",
        "  steal % per 5 s: 0 - 5 1  (until settled 2.1 %)",
        "  CPU ms/order     : store 20.50, workers 12.25",
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
