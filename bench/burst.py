"""The burst phase: push every order as fast as the edge takes them, wait until all settle, and
count what they cost: rates, quarters, store commands and broker messages, CPU per process."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bench import cpu, gc_pauses, report, steal
from bench.harness import Harness
from bench.load import LoadResult, Outcome, await_outcomes, order_times, plan_orders, push_orders
from bench.metrics import Tally, counter_delta
from bench.sales import sales_figures
from bench.seed import World
from tests.support.api import Api
from workers.registry import WORKERS

_QUIET_SECONDS = 1.5
_QUIESCE_LIMIT = 30.0
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class BurstPlan:
    orders: int
    concurrency: int
    seed: int
    lines: str
    timeout: float


async def measure_burst(plan: BurstPlan, system: Harness, api: Api, world: World) -> dict[str, Any]:
    """The timed part, counted from zero: push, wait until settled, let trailing work finish."""
    await system.reset_counters()
    published_before = (await system.tally()).published
    cpu_at_start = cpu.sample(cpu.group_roles(process_roles(system)))
    orders = plan_orders(world, plan.orders, plan.seed, plan.lines)
    with gc_pauses.recording() as pauses:
        async with steal.sampling() as stolen:
            load = await push_orders(api, orders, plan.concurrency)
            routed_before = published_before.get("order.routed", 0)
            outcome = await await_outcomes(
                system.db, len(load.accepted_at), plan.timeout, routed_since(system, routed_before)
            )
        await quiesce(system)
    cpu_at_end = cpu.sample(cpu_at_start.processes)
    tally = await system.tally()
    published = counter_delta(tally.published, published_before)
    docs = await order_times(system.db)
    result = build_result(system, tally, load, outcome, docs, published)
    result["cpu_ms_per_order"] = cpu.used_per_order(cpu_at_start, cpu_at_end, result["orders_stored"])
    result["gc"] = pauses.figures()
    first_accept = min(load.accepted_at, default=load.started)
    result["steal"] = steal.figures(stolen, first_accept, result["routing"]["window_seconds"])
    result["sales"] = await sales_figures(system, result)
    return result


def routed_since(system: Harness, before: int) -> Callable[[], Awaitable[int]]:
    """`order.routed` publishes since `before`: the progress bar's count, costing the store nothing."""

    async def routed() -> int:
        return (await system.tally()).published.get("order.routed", 0) - before

    return routed


def process_roles(system: Harness) -> dict[str, list[int]]:
    """Who runs where: the bench (load generator and edge), the workers, the store, the broker.

    The store is this process's SecantusDB child, else whatever listens on the store URL's port
    here; the broker is whatever listens on the AMQP port here (RabbitMQ's beam.smp). A store or
    broker on another machine is not measured.
    """
    me = os.getpid()
    store = cpu.children_matching(me, "secantus") or _local_listener(system.settings.mongodb_url)
    return {
        "bench": [me],
        "edge": [me],
        "workers": list(system.worker_pids),
        "store": store,
        "broker": _local_listener(system.settings.amqp_url),
    }


def _local_listener(url: str | None) -> list[int]:
    parts = urlsplit(url or "")
    if parts.hostname not in _LOOPBACK:
        return []
    default = 5672 if parts.scheme.startswith("amqp") else 27017
    pid = cpu.listening_pid(parts.port or default)
    return [] if pid is None else [pid]


async def quiesce(system: Harness) -> float:
    """Wait until no counted store command or publish happened for a moment (trailing work)."""
    start = time.monotonic()
    last, quiet_since = -1, start
    while time.monotonic() - start < _QUIESCE_LIMIT:
        seen = (await system.tally()).activity()
        now = time.monotonic()
        if seen != last:
            last, quiet_since = seen, now
        elif now - quiet_since >= _QUIET_SECONDS:
            break
        await asyncio.sleep(0.25)
    return time.monotonic() - start


def build_result(
    system: Harness,
    tally: Tally,
    load: LoadResult,
    outcome: Outcome,
    docs: list[dict[str, Any]],
    published: dict[str, int],
) -> dict[str, Any]:
    # Per-order figures divide by the orders stored: a webhook answered 503 because its publish
    # was not confirmed in time may still have been delivered, and its work counted.
    stored = len(docs)
    return {
        "orders_stored": stored,
        "topology": topology(system),
        "acceptance": report.acceptance(load),
        "routing": report.routing(docs, load),
        "outcomes": report.outcomes(docs),
        "timed_out": outcome.timed_out,
        "waited_seconds": round(outcome.waited_seconds, 3),
        "store_commands": store_commands(tally, stored),
        "broker_messages": report.per_order(published, stored),
    }


def store_commands(tally: Tally, orders: int) -> dict[str, Any]:
    """Succeeded commands per order, all and by side; failed commands as plain counts."""
    edge, workers = tally.edge.succeeded, tally.workers.succeeded
    failed = Counter(tally.edge.failed) + Counter(tally.workers.failed)
    targets = Counter(tally.edge.targets) + Counter(tally.workers.targets)
    return {
        "all": report.per_order(dict(Counter(edge) + Counter(workers)), orders),
        "edge": report.per_order(edge, orders),
        "workers": report.per_order(workers, orders),
        "by_collection": report.per_order(dict(targets), orders)["by_name_per_order"],
        "failed": dict(failed),
    }


def topology(system: Harness) -> str:
    broker = urlsplit(system.settings.amqp_url or "")
    in_process = set(system.worker_pids) == {os.getpid()}
    where = "in the bench process" if in_process else f"in processes {list(system.worker_pids)}"
    return (
        f"load generator (pushes on kept-alive HTTP/1.1 connections, bench/raw_http.py) + edge API "
        f"(uvicorn) in one asyncio loop at niceness {os.getpriority(os.PRIO_PROCESS, 0)}; "
        f"workers {sorted(WORKERS)} {where} (prefetch {system.settings.prefetch}) on RabbitMQ "
        f"{broker.hostname}:{broker.port or 5672}; store: {system.store_kind}"
    )
