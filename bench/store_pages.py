"""`python -m bench.store_pages [--per-supplier N] [--data-dir DIR]`: keyset pages on a grown store.

Seeds `sub_orders`-shaped documents (3 suppliers, N each, status one of routed/shipped/completed,
~1 KB each) into the embedded store, with the indexes Juhe creates, then times the supplier pull
(`find({supplier_id, status: "routed"[, list_key: {$gt: c}]}).sort("list_key", 1).limit(51)`),
the same newest first (`$lt`, sort -1, against the index's direction), and two order reads (by
`_id`, and by `order_key` sorted by supplier). It reuses a seeded `--data-dir`, so the same data
can be measured before and after a change to the store.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from juhe.store.embedded import EmbeddedStore

Doc = dict[str, Any]
SUPPLIERS = ("sup-a", "sup-b", "sup-c")
STATUSES = ("routed", "shipped", "completed")
LIMIT = 50
BATCH = 1000


def _sub_order(i: int, supplier: str, rng: random.Random, start: datetime) -> Doc:
    """A document shaped like a stored sub-order, its payload about 1 KB."""
    at = start + timedelta(seconds=i)
    sub_id = f"{supplier}-{i:08d}"
    lines = [
        {
            "sku": f"sku-{rng.randrange(5000):05d}",
            "quantity": rng.randrange(1, 5),
            "price": 1999,
            "tier": "gold",
        }
        for _ in range(4)
    ]
    address = {"name": "收件人 " + "x" * 20, "phone": "13800000000", "line": "某某路 " + "y" * 200}
    return {
        "_id": sub_id,
        "order_key": f"shop-1:order-{i:08d}",
        "supplier_id": supplier,
        "merchant_id": f"m-{rng.randrange(50)}",
        "status": rng.choice(STATUSES),
        "lines": lines,
        "shipping_address": address,
        "routed_at": at,
        "list_key": f"{at.isoformat()}|{sub_id}",
        "cancellations": [],
        "note": "z" * 300,
    }


async def _seed(coll: AsyncCollection[Doc], per_supplier: int) -> None:
    """Insert the documents in batches, then create Juhe's sub-order indexes."""
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    began = time.perf_counter()
    for first in range(0, per_supplier, BATCH):
        docs = [
            _sub_order(i, s, rng, start)
            for i in range(first, min(first + BATCH, per_supplier))
            for s in SUPPLIERS
        ]
        await coll.insert_many(docs, ordered=False)
    await coll.create_index([("supplier_id", 1), ("status", 1), ("list_key", 1)])
    await coll.create_index("order_key")
    await coll.create_index([("account_id", 1), ("list_key", 1)])
    print(f"seeded {per_supplier * len(SUPPLIERS)} docs in {time.perf_counter() - began:.0f} s")  # noqa: T201


async def _timed(label: str, runs: int, call: Callable[[], Awaitable[int]]) -> None:
    """Run a query `runs` times and print its latency percentiles and result size."""
    took: list[float] = []
    found = 0
    for _ in range(runs):
        began = time.perf_counter()
        found = await call()
        took.append((time.perf_counter() - began) * 1000)
    took.sort()
    p99 = took[min(len(took) - 1, round(0.99 * (len(took) - 1)))]
    print(f"{label:<34} n={found:<3} p50 {statistics.median(took):8.1f} ms  p99 {p99:8.1f} ms")  # noqa: T201


async def _page(coll: AsyncCollection[Doc], cursor: str | None, direction: int = 1) -> int:
    query: Doc = {"supplier_id": SUPPLIERS[1], "status": "routed"}
    if cursor is not None:
        query["list_key"] = {"$gt" if direction == 1 else "$lt": cursor}
    return len(await coll.find(query).sort("list_key", direction).limit(LIMIT + 1).to_list())


async def _measure(coll: AsyncCollection[Doc], per_supplier: int, runs: int) -> None:
    routed = await coll.count_documents({"supplier_id": SUPPLIERS[1], "status": "routed"})
    middle = (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=per_supplier // 2)).isoformat()
    order_key = f"shop-1:order-{per_supplier // 3:08d}"
    print(f"{await coll.estimated_document_count()} docs, {routed} routed for {SUPPLIERS[1]}")  # noqa: T201
    await _timed("supplier pull, first page", runs, lambda: _page(coll, None))
    await _timed("supplier pull, page after cursor", runs, lambda: _page(coll, middle))
    await _timed("newest first, page after cursor", runs, lambda: _page(coll, middle, -1))
    sub_id = f"{SUPPLIERS[2]}-{per_supplier // 3:08d}"
    await _timed("find_one by _id", runs, lambda: _count_one(coll, sub_id))
    in_keys = {"order_key": {"$in": [order_key]}}
    await _timed("order_key $in, sort supplier_id", runs, lambda: _count(coll, in_keys, "supplier_id"))


async def _count_one(coll: AsyncCollection[Doc], sub_id: str) -> int:
    return int(await coll.find_one({"_id": sub_id}) is not None)


async def _count(coll: AsyncCollection[Doc], query: Doc, sort: str) -> int:
    return len(await coll.find(query).sort(sort, 1).to_list())


async def _run(url: str, per_supplier: int, runs: int) -> None:
    client: AsyncMongoClient[Doc] = AsyncMongoClient(url)
    try:
        coll = client.pages_bench.sub_orders
        if await coll.estimated_document_count() == 0:
            await _seed(coll, per_supplier)
        await _measure(coll, per_supplier, runs)
    finally:
        await client.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.store_pages", description=__doc__)
    parser.add_argument(
        "--per-supplier", type=int, default=20_000, help="documents per supplier (%(default)s)"
    )
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query (%(default)s)")
    parser.add_argument("--data-dir", type=Path, required=True, help="reused when already seeded")
    args = parser.parse_args(argv)
    with EmbeddedStore(args.data_dir) as url:
        asyncio.run(_run(url, args.per_supplier, args.runs))


if __name__ == "__main__":
    main()
