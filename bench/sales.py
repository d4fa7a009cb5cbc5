"""What the sales roll-ups add to a burst: store commands on their collections per order, and
the delay from an order event (or its stored fact) to the roll-up that counted it."""

from __future__ import annotations

from typing import Any

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
