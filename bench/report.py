"""Figures from the run: rates, latency percentiles, quarters, store and broker work per order."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime
from typing import Any

from bench.load import LoadResult

Doc = dict[str, Any]
#: The width of the routed timeline's windows.
TIMELINE_SECONDS = 5.0


def _rate(count: float, seconds: float) -> float | None:
    return round(count / seconds, 2) if seconds > 0 else None


def acceptance(load: LoadResult) -> dict[str, Any]:
    """N accepted over the time from the first request sent to the last 202 received."""
    seconds = (max(load.accepted_at) - load.started).total_seconds() if load.accepted_at else 0.0
    return {
        "accepted": len(load.accepted_at),
        "refused": dict(load.refused),
        "seconds": round(seconds, 3),
        "per_second": _rate(len(load.accepted_at), seconds),
    }


def routing(docs: list[Doc], load: LoadResult) -> dict[str, Any]:
    """Routed orders over (last routed_at - first accept), latency percentiles, quarter rates."""
    routed = sorted((d for d in docs if d.get("routed_at") is not None), key=lambda d: d["routed_at"])
    times: list[datetime] = [d["routed_at"] for d in routed]
    latencies = [(d["routed_at"] - d["received_at"]).total_seconds() for d in routed]
    first_accept = min(load.accepted_at, default=load.started)
    seconds = (times[-1] - first_accept).total_seconds() if times else 0.0
    return {
        "routed": len(routed),
        "seconds": round(seconds, 3),
        "per_second": _rate(len(routed), seconds),
        "latency_seconds": percentiles(latencies),
        "quarters_per_second": quarter_rates(times),
        "quarters_note": "orders sorted by routed_at and cut in four; each rate is "
        "(orders in the quarter - 1) / (its last routed_at - its first routed_at)",
        "routed_per_window": windows(times, first_accept, TIMELINE_SECONDS),
        "window_seconds": TIMELINE_SECONDS,
    }


def windows(times: list[datetime], start: datetime, seconds: float) -> list[int]:
    """Orders routed in each `seconds` from `start` on: where in the run the rate dipped."""
    counts: Counter[int] = Counter(int((t - start).total_seconds() // seconds) for t in times)
    return [counts[i] for i in range(max(counts) + 1)] if counts else []


def percentiles(values: list[float]) -> dict[str, float | None]:
    if len(values) < 2:
        only = round(values[0], 3) if values else None
        return {"p50": only, "p95": only, "p99": only, "max": only}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "p50": round(cuts[49], 3),
        "p95": round(cuts[94], 3),
        "p99": round(cuts[98], 3),
        "max": round(max(values), 3),
    }


def quarter_rates(times: list[datetime]) -> list[float | None]:
    size = len(times) // 4
    if size < 2:
        return []
    bounds = [(i * size, (i + 1) * size if i < 3 else len(times)) for i in range(4)]
    return [_rate(end - start - 1, (times[end - 1] - times[start]).total_seconds()) for start, end in bounds]


def outcomes(docs: list[Doc]) -> dict[str, Any]:
    """Orders by status, and the reasons of the rejected ones."""
    reasons = Counter(str(d.get("reason")) for d in docs if d.get("status") == "rejected")
    return {"by_status": dict(Counter(str(d.get("status")) for d in docs)), "rejected_reasons": dict(reasons)}


def per_order(counts: dict[str, int], orders: int) -> dict[str, Any]:
    """Total and by-name counts divided by the number of orders."""
    total = sum(counts.values())
    divide = orders or 1
    return {
        "total": total,
        "per_order": round(total / divide, 3),
        "by_name_per_order": {k: round(v / divide, 3) for k, v in sorted(counts.items(), key=_bigger)},
    }


def _bigger(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]
