"""What the sales roll-ups add to a burst: store commands on their collections per order, and
the delay from an order event (or its stored fact) to the roll-up that counted it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from bench import report
from bench.harness import Harness
from workers.sales.queries import SalesQueries


async def sales_figures(system: Harness, result: dict[str, Any]) -> dict[str, Any]:
    by_collection = result["store_commands"]["by_collection"]
    added = {target: n for target, n in by_collection.items() if " sales_" in target}
    queries = SalesQueries(system.db)
    return {
        "store_commands_per_order": round(sum(added.values()), 3),
        "by_collection": added,
        "rollup_delay_seconds": report.percentiles(await queries.rollup_delays()),
        "stored_to_rollup_seconds": report.percentiles(await queries.rollup_delays("stored_at")),
    }


async def steady_rollup_delays(
    db: AsyncDatabase[dict[str, Any]], order_keys: list[str], within: float
) -> dict[str, Any]:
    """Event -> roll-up of the steady phase's orders, once every fact of theirs is rolled up (or
    `within` seconds have passed: the facts still waiting are counted)."""
    queries = SalesQueries(db)
    deadline = time.monotonic() + within
    while True:
        waiting = await queries.unapplied(order_keys)
        if not waiting or time.monotonic() >= deadline:
            break
        await asyncio.sleep(0.2)
    return {
        "rollup_delay_seconds": report.percentiles(await queries.rollup_delays(order_keys=order_keys)),
        "not_rolled_up": waiting,
    }
