"""One benchmark run: start the system, set up, push load, wait, measure, tear down, write JSON."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench import report
from bench.harness import Harness, running_system
from bench.load import LoadResult, Outcome, await_outcomes, order_times, plan_orders, push_orders
from bench.metrics import counter_delta, published_counts
from bench.seed import World, build_world
from tests.support.api import Api
from workers.registry import WORKERS
from workers.sales.queries import SalesQueries

RESULTS = Path(__file__).resolve().parent / "results"
_QUIET_SECONDS = 1.5
_QUIESCE_LIMIT = 30.0


@dataclass(frozen=True)
class Options:
    orders: int = 2000
    merchants: int = 20
    skus: int = 100
    suppliers: int = 5
    concurrency: int = 32
    prefetch: int = 64
    seed: int = 1
    timeout: float = 600.0


def say(text: str) -> None:
    sys.stderr.write(text + "\n")


async def run(opts: Options) -> tuple[dict[str, Any], Path]:
    async with (
        running_system(opts.prefetch) as system,
        httpx.AsyncClient(
            base_url=system.base_url, timeout=60.0, limits=httpx.Limits(max_connections=opts.concurrency + 8)
        ) as http,
    ):
        api = Api(http, system.settings.admin_token)
        say(
            f"setup: {opts.suppliers} suppliers, {opts.skus} SKUs, {opts.merchants} merchants "
            f"(edge at {system.base_url})"
        )
        world = await build_world(
            api,
            suppliers=opts.suppliers,
            skus=opts.skus,
            merchants=opts.merchants,
            tiers=system.settings.tiers,
        )
        await quiesce(system)
        result = await measure(opts, system, api, world)
        say("tearing down")
    return result, write(result)


async def measure(opts: Options, system: Harness, api: Api, world: World) -> dict[str, Any]:
    """The timed part, counted from zero: push, wait until settled, let trailing work finish."""
    system.reset_counters()
    published_before = published_counts()
    load = await push_orders(api, plan_orders(world, opts.orders, opts.seed), opts.concurrency)
    routed_before = published_before.get("order.routed", 0)
    outcome = await await_outcomes(system.db, len(load.accepted_at), opts.timeout, routed_before)
    await quiesce(system)
    published = counter_delta(published_counts(), published_before)
    result = build_result(opts, system, load, outcome, await order_times(system.db), published)
    return result | {"sales": await sales(system, result)}


async def sales(system: Harness, result: dict[str, Any]) -> dict[str, Any]:
    """What the sales roll-ups add per order (store commands on their collections), and the
    delay from an order event to the roll-up that counted it."""
    by_collection = result["store_commands"]["by_collection"]
    added = {target: n for target, n in by_collection.items() if " sales_" in target}
    return {
        "store_commands_per_order": round(sum(added.values()), 3),
        "by_collection": added,
        "rollup_delay_seconds": report.percentiles(await SalesQueries(system.db).rollup_delays()),
        "stored_to_rollup_seconds": report.percentiles(
            await SalesQueries(system.db).rollup_delays("stored_at")
        ),
    }


async def quiesce(system: Harness) -> float:
    """Wait until no counted store command or publish happened for a moment (trailing work)."""
    start = time.monotonic()
    last, quiet_since = -1, start
    while time.monotonic() - start < _QUIESCE_LIMIT:
        seen = (
            system.edge_commands.total() + system.worker_commands.total() + sum(published_counts().values())
        )
        now = time.monotonic()
        if seen != last:
            last, quiet_since = seen, now
        elif now - quiet_since >= _QUIET_SECONDS:
            break
        await asyncio.sleep(0.25)
    return time.monotonic() - start


def build_result(
    opts: Options,
    system: Harness,
    load: LoadResult,
    outcome: Outcome,
    docs: list[dict[str, Any]],
    published: dict[str, int],
) -> dict[str, Any]:
    accepted = len(load.accepted_at)
    return {
        "timestamp": datetime.now(UTC).isoformat(),
        "config": {**asdict(opts), "namespace": system.settings.namespace},
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "topology": topology(system),
        "acceptance": report.acceptance(load),
        "routing": report.routing(docs, load),
        "outcomes": report.outcomes(docs),
        "timed_out": outcome.timed_out,
        "waited_seconds": round(outcome.waited_seconds, 3),
        "store_commands": store_commands(system, accepted),
        "broker_messages": report.per_order(published, accepted),
    }


def store_commands(system: Harness, orders: int) -> dict[str, Any]:
    """Succeeded commands per order, all and by side; failed commands as plain counts."""
    edge, workers = system.edge_commands.succeeded_counts(), system.worker_commands.succeeded_counts()
    failed = Counter(system.edge_commands.failed_counts()) + Counter(system.worker_commands.failed_counts())
    return {
        "all": report.per_order(dict(Counter(edge) + Counter(workers)), orders),
        "edge": report.per_order(edge, orders),
        "workers": report.per_order(workers, orders),
        "by_collection": report.per_order(
            dict(
                Counter(system.edge_commands.target_counts())
                + Counter(system.worker_commands.target_counts())
            ),
            orders,
        )["by_name_per_order"],
        "failed": dict(failed),
    }


def topology(system: Harness) -> str:
    broker = urlsplit(system.settings.amqp_url or "")
    return (
        f"single process, one asyncio loop: load generator (httpx, loopback HTTP) + edge API (uvicorn) "
        f"+ workers {sorted(WORKERS)} (prefetch {system.settings.prefetch}) on RabbitMQ "
        f"{broker.hostname}:{broker.port or 5672}; "
        f"store: {system.store_kind}"
    )


def write(result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return path
