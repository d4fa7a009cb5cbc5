"""`python -m bench growth`: do reads slow down as the store grows?

Seeds a small baseline (`--baseline` orders: 12,000, the fewest with which every supplier's
first page of routed sub-orders is full, so both stores answer the same page) and
measures p99 of an order read (`GET /v1/orders/{key}`, operator) and of a supplier's pull (`GET
/v1/supplier/orders?status=routed`, the supplier's own key, with the sub-orders per page
reported); then bulk-inserts the rest up to `--orders` orders with their
sub-orders and `--skus` SKUs (insert_many in batches, not through the pipeline, with the
indexes the workers create) and measures the same reads again. Requests go through the edge's
HTTP code path in process (httpx ASGITransport on `create_app`); no broker is needed to read.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx

from bench import goals
from bench.growth_seed import Bulk, Shape, key_docs, order_key, seed_orders, seed_skus, supplier_key
from bench.report import percentiles
from bench.run import RESULTS, write
from edge_api.app import create_app
from edge_api.context import EdgeContext
from juhe.broker import local_or_configured
from juhe.runtime import Runtime
from juhe.settings import Settings
from juhe.store.embedded import configured_store
from workers.catalog.repository import ensure_indexes as catalog_indexes
from workers.inventory.repository import ensure_indexes as inventory_indexes
from workers.order.repository import ensure_indexes as order_indexes

Doc = dict[str, Any]
_WARM_UP = 10


@dataclass(frozen=True)
class GrowthOptions:
    orders: int = 1_000_000
    skus: int = 100_000
    suppliers: int = 100
    merchants: int = 1_000
    baseline: int = 12_000
    batch: int = 2_000
    parallel: int = 2
    reads: int = 300
    seed: int = 1
    results: str = str(RESULTS)


async def run_growth(opts: GrowthOptions) -> dict[str, Any]:
    with _store_url() as (url, shared):
        settings = Settings(
            mongodb_url=url,
            amqp_url=local_or_configured(dict(os.environ)),
            namespace=f"juhe_bench_growth_{secrets.token_hex(4)}",
        )
        runtime = Runtime.create(settings)
        await runtime.store.connect()
        try:
            return await _grow_and_read(opts, settings, runtime)
        finally:
            if shared:  # an embedded store's files go with its temporary dir, at once
                await runtime.store.client.drop_database(settings.database_name)
            await runtime.store.close()


async def _grow_and_read(opts: GrowthOptions, settings: Settings, runtime: Runtime) -> dict[str, Any]:
    db, shape = runtime.store.db, Shape(opts.skus, opts.suppliers, opts.merchants)
    bulk = Bulk(opts.batch, opts.parallel)
    for ensure in (order_indexes, inventory_indexes, catalog_indexes):
        await ensure(db)
    await db["api_keys"].create_index([("owner_id", 1), ("kind", 1)])
    await db["api_keys"].insert_many(key_docs(opts.suppliers))
    baseline = min(opts.baseline, opts.orders)
    await seed_orders(db, 0, baseline, shape, bulk)
    app = create_app(settings, runtime)
    app.state.edge = EdgeContext(runtime)  # reads need the store only
    rng = random.Random(opts.seed)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
        empty, empty_pages = await measure_reads(http, settings.admin_token, baseline, opts, rng)
        started = time.perf_counter()
        await seed_orders(db, baseline, opts.orders, shape, bulk)
        await seed_skus(db, 0, opts.skus, shape, bulk)
        seed_seconds = time.perf_counter() - started
        grown, grown_pages = await measure_reads(http, settings.admin_token, opts.orders, opts, rng)
    result: dict[str, Any] = {
        "timestamp": datetime.now(UTC).isoformat(),
        "config": asdict(opts),
        "stored": {
            name: await db[name].estimated_document_count() for name in ("orders", "sub_orders", "skus")
        },
        "seed_seconds": round(seed_seconds, 1),
        "reads": {name: compare(empty[name], grown[name]) for name in empty},
        "pull_page_items": {"empty": empty_pages, "grown": grown_pages},
    }
    result["goals"] = goals.growth_goals(result)
    return result


async def measure_reads(
    http: httpx.AsyncClient, admin: str, orders: int, opts: GrowthOptions, rng: random.Random
) -> tuple[dict[str, list[float]], float]:
    """Latencies in ms of `reads` order reads (random stored orders) and supplier pulls, and the
    mean number of sub-orders a pull's page held."""
    samples: dict[str, list[float]] = {"order read": [], "supplier pull": []}
    items = 0
    for i in range(_WARM_UP + opts.reads):
        key = order_key(rng.randrange(orders))
        order_ms, _ = await _timed(http, f"/v1/orders/{key}", {}, admin)
        n = rng.randrange(opts.suppliers)
        pull_ms, page = await _timed(http, "/v1/supplier/orders", {"status": "routed"}, supplier_key(n))
        if i >= _WARM_UP:
            samples["order read"].append(order_ms)
            samples["supplier pull"].append(pull_ms)
            items += len(page["items"])
    return samples, round(items / opts.reads, 1) if opts.reads else 0.0


async def _timed(http: httpx.AsyncClient, path: str, params: dict[str, str], token: str) -> tuple[float, Any]:
    started = time.perf_counter()
    response = await http.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:200]}")
    return elapsed, response.json()


def compare(empty: list[float], grown: list[float]) -> dict[str, Any]:
    """Percentiles on the empty and the grown store, and the ratio of their p99s."""
    before, after = percentiles(empty), percentiles(grown)
    ratio = round(after["p99"] / before["p99"], 2) if before["p99"] and after["p99"] is not None else None
    return {"empty_ms": before, "grown_ms": after, "p99_ratio": ratio}


@contextmanager
def _store_url() -> Iterator[tuple[str, bool]]:
    """JUHE_MONGODB_URL (a scratch database in a shared store: True), else an embedded store in
    a temporary dir (dropping a million orders from it one key at a time took minutes)."""
    if url := os.environ.get("JUHE_MONGODB_URL"):
        yield url, True
        return
    with TemporaryDirectory(prefix="juhe-growth-") as tmp, configured_store(Path(tmp), Settings()) as url:
        yield url, False


def parse(argv: Sequence[str]) -> GrowthOptions:
    defaults = GrowthOptions()
    parser = argparse.ArgumentParser(prog="python -m bench growth", description=__doc__)
    for name, value in asdict(defaults).items():
        parser.add_argument(f"--{name}", type=type(value), default=value, help="(%(default)s)")
    return GrowthOptions(**vars(parser.parse_args(argv)))


def render(result: dict[str, Any], path: str) -> str:
    cfg, stored = result["config"], result["stored"]
    lines = [
        f"Juhe growth bench: {stored['orders']:,} orders, {stored['sub_orders']:,} sub-orders, "
        f"{stored['skus']:,} SKUs stored (seeded in {result['seed_seconds']} s); "
        f"baseline {cfg['baseline']:,} orders; {cfg['reads']} reads each"
    ]
    for name, measure in result["reads"].items():
        empty, grown = measure["empty_ms"], measure["grown_ms"]
        lines.append(
            f"  {name:<14}: empty p50 {empty['p50']} p99 {empty['p99']} ms; "
            f"grown p50 {grown['p50']} p99 {grown['p99']} ms; p99 x{measure['p99_ratio']}"
        )
    pages = result["pull_page_items"]
    lines.append(f"  sub-orders per pull page: empty {pages['empty']}, grown {pages['grown']}")
    lines += ["Goals", *goals.render(result["goals"]), f"  results: {path}"]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    opts = parse(argv)
    result = asyncio.run(run_growth(opts))
    path = write(result, Path(opts.results), kind="growth")
    sys.stdout.write(render(result, str(path)))
    return 0
