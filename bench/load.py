"""The timed part: push signed order webhooks, then watch the orders collection until all settle."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from tqdm import tqdm

from bench.raw_http import RawConnection
from bench.seed import World
from tests.support.api import WEBHOOK_PATH, Api, Shop, order_body, signed

Doc = dict[str, Any]
#: Statuses an order passes through on its way to `routed`; any other status is an outcome.
PENDING = frozenset({"received", "reserved", "paid", "awaiting_funds"})
_POLL_SECONDS = 0.25
_COUNT_SECONDS = 5.0


@dataclass(frozen=True)
class PlannedOrder:
    shop: Shop
    order_id: str
    lines: list[tuple[str, int]]


@dataclass
class LoadResult:
    started: datetime
    accepted_at: list[datetime] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)


@dataclass
class Outcome:
    statuses: dict[str, int]
    timed_out: bool
    waited_seconds: float


def line_range(lines: str) -> tuple[int, int]:
    """`"2"` -> (2, 2); `"1-3"` -> (1, 3)."""
    low, _, high = lines.partition("-")
    bounds = int(low), int(high or low)
    if not 1 <= bounds[0] <= bounds[1]:
        raise ValueError(f"lines per order: expected N or LOW-HIGH, got {lines!r}")
    return bounds


def plan_orders(
    world: World, n: int, seed: int, lines: str = "1-3", prefix: str = "BENCH"
) -> list[PlannedOrder]:
    """N orders over random shops (so merchants) and distinct random SKUs, reproducibly."""
    rng = random.Random(seed)
    low, high = line_range(lines)
    orders = []
    for i in range(n):
        skus = rng.sample(world.skus, min(rng.randint(low, high), len(world.skus)))
        planned = [(sku, rng.randint(1, 3)) for sku in skus]
        orders.append(PlannedOrder(rng.choice(world.shops), f"{prefix}-{i:07d}", planned))
    return orders


async def push_orders(api: Api, orders: list[PlannedOrder], concurrency: int) -> LoadResult:
    """Send every webhook with at most `concurrency` in flight, each sender on a kept-alive
    connection of its own (`RawConnection`); record when each was accepted."""
    result = LoadResult(started=datetime.now(UTC))
    pending = iter(orders)
    with tqdm(total=len(orders), desc="accepted", unit="order", dynamic_ncols=True) as bar:
        senders = [
            _sender(RawConnection(str(api.http.base_url)), pending, result, bar) for _ in range(concurrency)
        ]
        await asyncio.gather(*senders)
    return result


async def _sender(
    connection: RawConnection, pending: Iterator[PlannedOrder], result: LoadResult, bar: tqdm[Any]
) -> None:
    try:
        for order in pending:  # one shared iterator: each order goes to exactly one sender
            body = order_body(order.order_id, order.lines)
            try:
                status = await connection.post(WEBHOOK_PATH, body, signed(order.shop, body))
            except (OSError, ValueError) as exc:
                result.refused[type(exc).__name__] += 1
            else:
                if status == 202:
                    result.accepted_at.append(datetime.now(UTC))
                else:
                    result.refused[f"HTTP {status}"] += 1
            bar.update()
    finally:
        await connection.close()


async def status_counts(db: AsyncDatabase[Doc]) -> dict[str, int]:
    cursor = await db["orders"].aggregate([{"$group": {"_id": "$status", "n": {"$sum": 1}}}])
    return {str(doc["_id"]): int(doc["n"]) async for doc in cursor}


async def await_outcomes(
    db: AsyncDatabase[Doc], expected: int, within: float, routed: Callable[[], Awaitable[int]]
) -> Outcome:
    """Wait until `expected` orders have left the pending statuses, or `within` seconds pass.

    The bar follows `routed()`, the workers' `order.routed` publishes, which cost the store
    nothing; the orders collection (a full scan on the embedded store) is only counted every few
    seconds.
    """
    start = time.monotonic()
    next_count = start
    with tqdm(total=expected, desc="routed", unit="order", dynamic_ncols=True) as bar:
        while True:
            bar.update(min(expected, await routed()) - bar.n)
            now = time.monotonic()
            if now >= next_count or bar.n >= expected:
                next_count = now + _COUNT_SECONDS
                statuses = await status_counts(db)
                bar.set_postfix(_others(statuses))
                settled = sum(n for status, n in statuses.items() if status not in PENDING)
                if settled >= expected or now - start > within:
                    return Outcome(statuses, settled < expected, now - start)
            await asyncio.sleep(_POLL_SECONDS)


def _others(statuses: dict[str, int]) -> dict[str, int]:
    return {status: n for status, n in sorted(statuses.items()) if status != "routed"}


async def order_times(db: AsyncDatabase[Doc]) -> list[Doc]:
    """Status, reason and the two timestamps of every order."""
    projection = {"status": 1, "reason": 1, "received_at": 1, "routed_at": 1}
    return [doc async for doc in db["orders"].find({}, projection)]
