"""`python -m bench products [--products N] [--repeat R]`: the product list on N products.

Seeds N product documents straight into a fresh embedded store (the shape the catalog worker
writes, with its indexes from `ensure_indexes`), then times each list query shape through the
edge's HTTP code path (httpx ASGITransport against `create_app`; no broker needed to read).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from edge_api.app import create_app
from edge_api.auth import hash_key
from edge_api.context import EdgeContext
from juhe.broker import local_or_configured
from juhe.runtime import Runtime
from juhe.settings import Settings
from juhe.store.embedded import EmbeddedStore
from workers.catalog.model import HistoryEntry, ListPosition, Product
from workers.catalog.repository import MongoProducts, ensure_indexes
from workers.catalog.repository.products import stored

WORDS = ["保温杯", "T恤", "衬衫", "运动鞋", "帽子", "背包", "围巾", "手套", "茶叶", "咖啡", "饼干", "坚果"]
STATUSES = ["listed"] * 6 + ["pending_review", "delisted", "rejected", "deleted"]
MERCHANT_KEY = "sk_mch_bench_merchant_key"


def product(i: int, start: datetime) -> Product:
    rng = random.Random(i)
    name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}"
    created_at = start + timedelta(seconds=i * 300)  # ~a year of creations for 100,000
    status = rng.choice(STATUSES)
    return Product(
        id=f"prd_{i:010d}",
        supplier_id=f"sup_{i % 100}",
        name=name,
        category_id=f"cat_{i % 5}_{i % 10}",
        brand_id=f"brd_{i % 200}",
        status=status,
        skus=[f"BENCH-{i}"],
        created_at=created_at,
        history=[HistoryEntry(status=status, by="bench", at=created_at)],
        **ListPosition.of(name, created_at).model_dump(),
    )


async def seed(db: Any, count: int) -> float:
    started = time.perf_counter()
    await ensure_indexes(db)
    now = datetime.now(UTC)
    categories: list[dict[str, Any]] = [
        {"_id": f"cat_{r}", "name": f"root {r}", "parent_id": None, "path": [], "created_at": now}
        for r in range(5)
    ]
    categories += [
        {
            "_id": f"cat_{r}_{c}",
            "name": f"leaf {r}.{c}",
            "parent_id": f"cat_{r}",
            "path": [f"cat_{r}"],
            "created_at": now,
        }
        for r in range(5)
        for c in range(10)
    ]
    await db["categories"].insert_many(categories)
    await db["api_keys"].insert_one(
        {
            "_id": hash_key(MERCHANT_KEY),
            "kind": "merchant",
            "owner_id": "mer_bench",
            "account_id": None,
            "expires_at": None,
        }
    )
    start = datetime(2025, 1, 1, tzinfo=UTC)
    products = MongoProducts(db)
    for first in range(0, count, 2000):
        docs = [product(i, start) for i in range(first, min(count, first + 2000))]
        await db["products"].insert_many([stored(doc) for doc in docs], ordered=False)
        for edge in (
            docs[0],
            min(docs, key=lambda d: d.pos_name),
            max(docs, key=lambda d: d.pos_name),
            docs[-1],
        ):
            await products.widen_bounds(edge)
        sys.stderr.write(f"\rseeded {first + len(docs):,}/{count:,}")
    sys.stderr.write("\n")
    return time.perf_counter() - started


SHAPES: dict[str, dict[str, Any]] = {
    "no filter (operator, -created_at)": {},
    "merchant (status=listed)": {"as": "merchant"},
    "status=delisted": {"status": "delisted"},
    "category subtree (root, 10 leaves)": {"category_id": "cat_1"},
    "category leaf": {"category_id": "cat_1_1"},
    "brand": {"brand_id": "brd_7"},
    "supplier": {"supplier_id": "sup_7"},
    "q (2 chars)": {"q": "衬衫"},
    "q (5 chars)": {"q": "咖啡 饼干"},
    "sort=created_at": {"sort": "created_at"},
    "sort=-created_at": {"sort": "-created_at"},
    "sort=name": {"sort": "name"},
    "sort=-name": {"sort": "-name"},
    "brand, sort=name": {"brand_id": "brd_7", "sort": "name"},
}


async def time_shapes(http: httpx.AsyncClient, admin: str, repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for label, shape in SHAPES.items():
        params = {k: v for k, v in shape.items() if k != "as"} | {"limit": 50}
        token = MERCHANT_KEY if shape.get("as") == "merchant" else admin
        results[label] = await _timed(http, token, params, repeat)
    deep = {"limit": 50, "sort": "created_at"}
    cursor = await _walk(http, admin, deep, pages=40)
    results["deep page (41st, sort=created_at)"] = await _timed(
        http, admin, deep | {"cursor": cursor}, repeat
    )
    deep = {"limit": 50, "sort": "name"}
    cursor = await _walk(http, admin, deep, pages=40)
    results["deep page (41st, sort=name)"] = await _timed(http, admin, deep | {"cursor": cursor}, repeat)
    return results


async def _walk(http: httpx.AsyncClient, token: str, params: dict[str, Any], pages: int) -> str:
    cursor = None
    for _ in range(pages):
        query = params | ({"cursor": cursor} if cursor else {})
        cursor = (await _get(http, token, query))["next_cursor"]
    assert isinstance(cursor, str)
    return cursor


async def _get(http: httpx.AsyncClient, token: str, params: dict[str, Any]) -> dict[str, Any]:
    response = await http.get("/v1/products", params=params, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _timed(http: httpx.AsyncClient, token: str, params: dict[str, Any], repeat: int) -> dict[str, Any]:
    samples, items = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        items = len((await _get(http, token, params))["items"])
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {"items": items, "p50_ms": round(statistics.median(samples), 1), "p95_ms": round(p95, 1)}


async def run(count: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedStore(Path(tmp)) as url:
        settings = Settings(
            mongodb_url=url, amqp_url=local_or_configured(dict(os.environ)), namespace="bench_products"
        )
        runtime = Runtime.create(settings)
        await runtime.store.connect()
        try:
            seed_seconds = await seed(runtime.store.db, count)
            app = create_app(settings, runtime)
            app.state.edge = EdgeContext(runtime)  # reads need the store only, not the broker
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                shapes = await time_shapes(http, settings.admin_token, repeat)
        finally:
            await runtime.store.close()
    return {
        "products": count,
        "repeat": repeat,
        "seed_seconds": round(seed_seconds, 1),
        "shapes": shapes,
        "at": datetime.now(UTC).isoformat(),
    }


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench products", description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.products, args.repeat))
    out = Path("bench/results") / f"products-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    width = max(len(label) for label in result["shapes"])
    lines = [
        f"{result['products']:,} products (seeded in {result['seed_seconds']} s), {args.repeat} runs each"
    ]
    lines += [
        f"{label:<{width}}  p50 {r['p50_ms']:>8} ms  p95 {r['p95_ms']:>8} ms  items {r['items']}"
        for label, r in result["shapes"].items()
    ]
    sys.stdout.write("\n".join(lines) + f"\nwritten to {out}\n")
    return 0
