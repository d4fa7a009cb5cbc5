"""The goals table: flat quarters, round trips per order, share of the ceiling, p99, growth."""

from __future__ import annotations

from typing import Any

from bench.goals import burst_goals, growth_goals, quarter_flatness, render


def test_flatness_is_slowest_over_fastest() -> None:
    assert quarter_flatness([20.0, 19.0, 18.0, 20.0]) == 0.9
    assert quarter_flatness([13.0, 25.4, 18.2, 14.2]) == round(13.0 / 25.4, 3)


def test_flatness_needs_four_positive_quarters() -> None:
    assert quarter_flatness([]) is None
    assert quarter_flatness([10.0, 10.0, 10.0]) is None
    assert quarter_flatness([10.0, None, 10.0, 10.0]) is None
    assert quarter_flatness([10.0, 0.0, 10.0, 10.0]) is None


def _result(lines: str = "2", **parts: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "config": {"lines": lines},
        "routing": {"quarters_per_second": [20.0, 19.0, 18.0, 20.0]},
        "store_commands": {"all": {"per_order": 12.0}},
        "broker_messages": {"per_order": 5.5},
        "ceilings": {"routed_share": 0.69},
        "steady": {"latency_ms": {"p99": 250.0}, "sales": {"rollup_delay_seconds": {"p95": 1.01}}},
    }
    return base | parts


def _statuses(goals: list[dict[str, Any]]) -> dict[str, str]:
    return {goal["figure"]: goal["status"] for goal in goals}


def test_each_goal_is_judged_at_its_bound() -> None:
    assert _statuses(burst_goals(_result())) == {
        "quarters: slowest / fastest routed/s": "PASS",  # 0.9 is within 10 %
        "store commands per 2-line order": "PASS",  # 12 is allowed
        "broker messages per 2-line order": "FAIL",
        "routed/s / binding ceiling": "FAIL",
        "steady p99 send->routed (ms)": "PASS",
        "steady p95 sales event->roll-up (s)": "FAIL",  # over 1 s
    }


def test_goals_not_measured_are_not_judged() -> None:
    result = _result(ceilings=None, steady=None)
    del result["routing"]
    statuses = _statuses(burst_goals(result))
    assert statuses["routed/s / binding ceiling"] == "n/a"
    assert statuses["steady p99 send->routed (ms)"] == "n/a"
    assert statuses["steady p95 sales event->roll-up (s)"] == "n/a"
    assert statuses["quarters: slowest / fastest routed/s"] == "n/a"


def test_per_order_goals_apply_to_two_line_orders_only() -> None:
    statuses = _statuses(burst_goals(_result(lines="1-3")))
    assert statuses["store commands per 2-line order"] == "n/a"
    assert statuses["broker messages per 2-line order"] == "n/a"


def test_growth_goal_is_a_p99_ratio_of_two() -> None:
    reads = {"order read": {"p99_ratio": 2.0}, "supplier pull": {"p99_ratio": 2.01}}
    assert _statuses(growth_goals({"reads": reads})) == {
        "order read: p99 grown / empty": "PASS",
        "supplier pull: p99 grown / empty": "FAIL",
    }


def test_render_prints_value_target_and_result() -> None:
    lines = render(burst_goals(_result()))
    assert len(lines) == 7
    assert lines[2].split()[-4:] == ["12", "<=", "12", "PASS"]
    assert lines[3].split()[-4:] == ["5.5", "<=", "5", "FAIL"]
