"""Latency at a steady rate, open loop: orders are offered on a clock, not on completions.

Order i is sent at start + i / rate whether or not earlier ones were answered, so a slow
system cannot slow the offered load down and hide its own queueing (coordinated omission).
Latency is measured from each order's scheduled send time to its `routed_at`; `send_lag`
shows whether the generator itself kept to the schedule.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pymongo.asynchronous.database import AsyncDatabase
from tqdm import tqdm

from bench import cpu, steal
from bench.load import PENDING, PlannedOrder
from bench.report import percentiles
from bench.sales import steady_rollup_delays
from tests.support.api import Api

Doc = dict[str, Any]
_IN_BATCH = 100
#: Latency and steal are also reported per window of this many seconds of the schedule.
WINDOW_SECONDS = 5.0
_POLL_SECONDS = 0.5
#: How long the sales roll-ups of the steady orders are waited for after they are routed.
_SALES_WAIT_SECONDS = 60.0


def schedule(rate: float, seconds: float) -> list[float]:
    """Send offsets in seconds from the start: one every 1/rate, over [0, seconds)."""
    if rate <= 0 or seconds <= 0:
        return []
    count = int(rate * seconds + 1e-9)
    return [i / rate for i in range(count)]


@dataclass
class Sent:
    order_key: str | None  # None when the webhook was not accepted
    scheduled: datetime
    lag_ms: float  # how late the request left, against its schedule


async def offer(api: Api, orders: list[PlannedOrder], offsets: list[float]) -> list[Sent]:
    """Send each order at its offset, each in its own task; wait for every answer at the end."""
    start, start_wall = time.monotonic(), datetime.now(UTC)
    tasks = []
    with tqdm(total=len(offsets), desc="offered", unit="order", dynamic_ncols=True) as bar:
        for order, offset in zip(orders, offsets, strict=False):
            delay = start + offset - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            scheduled = start_wall + timedelta(seconds=offset)
            lag_ms = (time.monotonic() - start - offset) * 1000
            tasks.append(asyncio.create_task(_send(api, order, scheduled, lag_ms)))
            bar.update()
        return list(await asyncio.gather(*tasks))


async def _send(api: Api, order: PlannedOrder, scheduled: datetime, lag_ms: float) -> Sent:
    try:
        response = await api.place(order.shop, order.order_id, order.lines)
    except httpx.HTTPError:
        return Sent(None, scheduled, lag_ms)
    key = response.json().get("order_key") if response.status_code == 202 else None
    return Sent(key, scheduled, lag_ms)


async def settle(db: AsyncDatabase[Doc], keys: list[str], within: float) -> list[Doc]:
    """Poll the offered orders until none is pending (or `within` seconds pass)."""
    deadline = time.monotonic() + within
    projection = {"status": 1, "received_at": 1, "routed_at": 1}
    while True:
        docs = [
            d
            for batch in _batches(keys)
            for d in await db["orders"].find({"_id": {"$in": batch}}, projection).to_list()
        ]
        settled = [d for d in docs if d["status"] not in PENDING]
        if len(settled) == len(keys) or time.monotonic() > deadline:
            return docs
        await asyncio.sleep(_POLL_SECONDS)


def _batches(keys: list[str]) -> list[list[str]]:
    """The embedded store's `$in` costs grow with the square of its size, and a long read of the
    orders collection while the last orders are routed would hold them up: 100 keys a read."""
    return [keys[i : i + _IN_BATCH] for i in range(0, len(keys), _IN_BATCH)]


def latencies(sent: list[Sent], docs: list[Doc], rate: float, seconds: float) -> dict[str, Any]:
    """Percentiles in ms of scheduled send -> routed, and of webhook received -> routed."""
    scheduled = {s.order_key: s.scheduled for s in sent if s.order_key}
    routed = [d for d in docs if d.get("routed_at") is not None and d["_id"] in scheduled]
    from_send = [(d["routed_at"] - scheduled[d["_id"]]).total_seconds() * 1000 for d in routed]
    from_receipt = [(d["routed_at"] - d["received_at"]).total_seconds() * 1000 for d in routed]
    lags = [s.lag_ms for s in sent]
    return {
        "rate": round(rate, 2),
        "seconds": seconds,
        "offered": len(sent),
        "accepted": len(scheduled),
        "routed": len(routed),
        "latency_ms": percentiles(from_send),
        "received_to_routed_ms": percentiles(from_receipt),
        "send_lag_ms": {"p99": percentiles(lags)["p99"], "max": max(lags, default=None)},
        "window_seconds": WINDOW_SECONDS,
        "latency_by_window": by_window(sent, docs),
    }


def by_window(sent: list[Sent], docs: list[Doc], seconds: float = WINDOW_SECONDS) -> list[dict[str, Any]]:
    """Per window of the schedule, the orders sent in it that were routed and their send -> routed
    p50 and max in ms: whether a high percentile came from one stall or from a whole phase."""
    scheduled = {s.order_key: s.scheduled for s in sent if s.order_key}
    if not scheduled:
        return []
    start = min(scheduled.values())
    windows: list[list[float]] = [[] for _ in range(_window_of(max(scheduled.values()), start, seconds) + 1)]
    for doc in docs:
        if doc.get("routed_at") is not None and doc["_id"] in scheduled:
            sent_at = scheduled[doc["_id"]]
            windows[_window_of(sent_at, start, seconds)].append(
                (doc["routed_at"] - sent_at).total_seconds() * 1000
            )
    return [_window_figures(ms) for ms in windows]


def _window_figures(ms: list[float]) -> dict[str, Any]:
    cuts = percentiles(ms)
    return {"routed": len(ms), "p50_ms": cuts["p50"], "max_ms": cuts["max"]}


def _window_of(at: datetime, start: datetime, seconds: float) -> int:
    return int((at - start).total_seconds() // seconds)


@dataclass(frozen=True)
class Pace:
    rate: float  # orders offered per second
    seconds: float  # for how long
    within: float  # seconds to wait for the last of them to settle


async def run_steady(
    api: Api, db: AsyncDatabase[Doc], orders: list[PlannedOrder], pace: Pace, processes: list[cpu.Process]
) -> dict[str, Any]:
    """Offer orders at the pace, wait until they settle, report their latencies and what each
    process spent on them (the roll-ups' wait after, which polls the store, left out)."""
    cpu_at_start = cpu.sample(processes)
    async with steal.sampling() as stolen:
        sent = await offer(api, orders, schedule(pace.rate, pace.seconds))
        keys = [s.order_key for s in sent if s.order_key]
        docs = await settle(db, keys, pace.within) if keys else []
    cpu_at_end = cpu.sample(processes)
    result = latencies(sent, docs, pace.rate, pace.seconds)
    result["cpu_ms_per_order"] = cpu.used_per_order(cpu_at_start, cpu_at_end, result["routed"])
    started = min((s.scheduled for s in sent), default=datetime.now(UTC))
    result["steal"] = steal.figures(stolen, started, WINDOW_SECONDS)
    result["sales"] = await steady_rollup_delays(db, keys, _SALES_WAIT_SECONDS) if keys else None
    return result
