"""The ceilings phase: each resource's raw rate for the pipeline's own work per order, the lower
of the two (the binding ceiling), and the share of it the pipeline reached."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.broker_ceiling import broker_ceiling
from bench.burst import BurstPlan, measure_burst, process_roles
from bench.harness import Harness
from bench.seed import World
from bench.store_ceiling import LIMITS, copy_database, copy_name, store_ceiling
from tests.support.api import Api


async def burst_and_ceilings(
    plan: BurstPlan, system: Harness, api: Api, world: World, seconds: float, concurrency: int
) -> dict[str, Any]:
    """The burst, recorded from a copy of the database taken just before it; then the ceilings
    (the store replaying the recording at the copy, then the broker), with nothing else running."""
    copies = [system.db.client[copy_name(system.settings, limit)] for limit in LIMITS]
    try:
        with tempfile.TemporaryDirectory(prefix="juhe-bench-recorded-") as folder:
            for copy in copies:
                await copy_database(system.db, copy)
            await system.start_recording()
            burst = await measure_burst(plan, system, api, world)
            files = await system.stop_recording(Path(folder))
            store_pids = process_roles(system)["store"]
            orders = burst["orders_stored"]
            store = await store_ceiling(system.settings, files, orders, seconds, LIMITS, store_pids)
    finally:
        for copy in copies:
            await system.db.client.drop_database(copy.name)
    broker = await broker_ceiling(system.settings.amqp_url or "", seconds, concurrency)
    messages = burst["broker_messages"]["per_order"]
    return burst | {"ceilings": combine(store, broker, messages, burst["routing"]["per_second"])}


def combine(
    store: dict[str, Any], broker: dict[str, Any], messages_per_order: float, routed_per_second: float | None
) -> dict[str, Any]:
    """Orders/s each resource allows; the binding one is the lower; the share routed/s reached.

    A message costs the broker one confirmed publish and one acked delivery, so the broker's
    rate is the lower of the two; orders/s is that over the messages each order publishes.
    """
    broker_rate = min(broker["published_per_second"], broker["consumed_per_second"])
    broker_orders = round(broker_rate / messages_per_order, 2) if messages_per_order > 0 else None
    implied = {"store": store.get("orders_per_second"), "broker": broker_orders}
    measured = {name: rate for name, rate in implied.items() if rate}
    binding = min(measured, key=lambda name: measured[name]) if measured else None
    ceiling = measured[binding] if binding else None
    share = round(routed_per_second / ceiling, 3) if ceiling and routed_per_second is not None else None
    return {
        "store": store,
        "broker": {**broker, "messages_per_order": messages_per_order, "orders_per_second": broker_orders},
        "binding": binding,
        "binding_orders_per_second": ceiling,
        "routed_per_second": routed_per_second,
        "routed_share": share,
    }
