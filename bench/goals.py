"""The goals of issue 11, each judged against its figure: PASS, FAIL, or n/a when not measured."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The slowest quarter may be at most this much below the fastest.
QUARTER_TOLERANCE = 0.10
MAX_STORE_COMMANDS = 12.0
MAX_BROKER_MESSAGES = 5.0
MIN_CEILING_SHARE = 0.7
MAX_STEADY_P99_MS = 250.0
#: Sales roll-ups (the coupon/funds/sales issue): within 1 s of the event at p95.
MAX_ROLLUP_P95_SECONDS = 1.0
MAX_GROWTH_RATIO = 2.0
#: The per-order goals are stated for 2-line orders; other mixes are not judged.
GOAL_LINES = "2"


def quarter_flatness(quarters: Sequence[float | None]) -> float | None:
    """Slowest quarter / fastest quarter; None unless four positive rates were measured."""
    if len(quarters) != 4 or any(q is None or q <= 0 for q in quarters):
        return None
    rates = [float(q) for q in quarters if q is not None]
    return round(min(rates) / max(rates), 3)


def row(figure: str, value: float | None, goal: str, passed: bool | None) -> dict[str, Any]:
    status = "n/a" if passed is None or value is None else ("PASS" if passed else "FAIL")
    return {"figure": figure, "value": value, "goal": goal, "status": status}


def at_most(figure: str, value: float | None, limit: float, unit: str = "") -> dict[str, Any]:
    return row(figure, value, f"<= {limit:g}{unit}", None if value is None else value <= limit)


def at_least(figure: str, value: float | None, limit: float, unit: str = "") -> dict[str, Any]:
    return row(figure, value, f">= {limit:g}{unit}", None if value is None else value >= limit)


def burst_goals(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The goals of a default run: flat quarters, round trips per order, share of the ceiling,
    and the steady phase's p99 (n/a when that phase did not run)."""
    flat = quarter_flatness(result.get("routing", {}).get("quarters_per_second", []))
    two_lines = result["config"]["lines"] == GOAL_LINES
    store = result.get("store_commands", {}).get("all", {}).get("per_order") if two_lines else None
    broker = result.get("broker_messages", {}).get("per_order") if two_lines else None
    share = (result.get("ceilings") or {}).get("routed_share")
    p99 = (result.get("steady") or {}).get("latency_ms", {}).get("p99")
    rollup = ((result.get("steady") or {}).get("sales") or {}).get("rollup_delay_seconds", {}).get("p95")
    return [
        at_least("quarters: slowest / fastest routed/s", flat, 1 - QUARTER_TOLERANCE),
        at_most("store commands per 2-line order", store, MAX_STORE_COMMANDS),
        at_most("broker messages per 2-line order", broker, MAX_BROKER_MESSAGES),
        at_least("routed/s / binding ceiling", share, MIN_CEILING_SHARE),
        at_most("steady p99 send->routed (ms)", p99, MAX_STEADY_P99_MS),
        at_most("steady p95 sales event->roll-up (s)", rollup, MAX_ROLLUP_P95_SECONDS),
    ]


def growth_goals(result: dict[str, Any]) -> list[dict[str, Any]]:
    """p99 with the store grown, over p99 on the empty store, for each measured read."""
    return [
        at_most(f"{name}: p99 grown / empty", measure["p99_ratio"], MAX_GROWTH_RATIO, "x")
        for name, measure in result["reads"].items()
    ]


def render(goals: list[dict[str, Any]]) -> list[str]:
    """The goals table, one line per figure."""
    width = max((len(g["figure"]) for g in goals), default=0)
    lines = [f"  {'goal':<{width}}  {'value':>10}  {'target':<10}  result"]
    for goal in goals:
        value = "-" if goal["value"] is None else f"{goal['value']:g}"
        lines.append(f"  {goal['figure']:<{width}}  {value:>10}  {goal['goal']:<10}  {goal['status']}")
    return lines
