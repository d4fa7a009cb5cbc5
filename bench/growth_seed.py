"""Documents for the growth bench, shaped as the repositories write them, and their bulk insert.

Orders and sub-orders are built with the order area's own models (`Order`, `split_by_supplier`)
and dumped as its repository dumps them (`model_dump(by_alias=True)`); SKUs as the catalog and
inventory write theirs. Everything is reproducible from the order's or SKU's number.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from tqdm import tqdm

from edge_api.auth import hash_key
from schemas.common import ShippingAddress
from workers.accounts.model import ApiKey
from workers.catalog.model import Sku
from workers.catalog.model.base import SKUS
from workers.catalog.repository.products import stored
from workers.inventory.model import StockRecord
from workers.order.model import (
    LogEntry,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    SubOrderStatus,
    split_by_supplier,
)
from workers.order.repository.names import ORDERS, SUB_ORDERS

Doc = dict[str, Any]
START = datetime(2026, 1, 1, tzinfo=UTC)
ADDRESS = ShippingAddress(
    name="张三",
    phone="13800000000",
    province="浙江省",
    city="杭州市",
    district="西湖区",
    detail="文三路 1 号",
)
#: A sub-order's status, drawn with these weights: most are shipped, a share still to pull.
SUB_STATUSES = [SubOrderStatus.ROUTED] * 3 + [SubOrderStatus.ACCEPTED] * 2 + [SubOrderStatus.SHIPPED] * 5


@dataclass(frozen=True)
class Shape:
    skus: int
    suppliers: int
    merchants: int


def supplier_id(n: int) -> str:
    return f"sup_grow_{n:04d}"


def supplier_key(n: int) -> str:
    return f"sk_sup_grow_{n:04d}"


def order_key(i: int) -> str:
    return f"generic:grow-shop-{i % 997}:G-{i:08d}"


def sku_code(n: int) -> str:
    return f"GROW-{n:07d}"


def order_docs(i: int, shape: Shape) -> tuple[Doc, list[Doc]]:
    """Order i (two lines, routed 30 s after the one before) and its sub-orders."""
    rng = random.Random(i)
    received = START + timedelta(seconds=30 * i)
    routed = received + timedelta(seconds=1)
    picks = rng.sample(range(shape.skus), min(2, shape.skus))
    lines = [_line(n, rng.randint(1, 3), shape) for n in picks]
    cost = sum(line.cost for line in lines)
    key = order_key(i)
    events = [LogEntry.of(kind, received, lines=len(lines)) for kind in ("received", "reserved", "paid")]
    order = Order(
        key=key,
        platform="generic",
        shop_id=f"grow-shop-{i % 997}",
        platform_order_id=f"G-{i:08d}",
        merchant_id=f"mch_grow_{i % shape.merchants:05d}",
        status=OrderStatus.ROUTED,
        lines=lines,
        total_cost=cost,
        charged=cost,
        shipping_address=ADDRESS,
        events=[*events, LogEntry.of("routed", routed)],
        received_at=received,
        list_key=f"{received.isoformat()}|{key}",
        tier="standard",
        routed_at=routed,
    )
    subs = split_by_supplier(order, {}, routed)
    for sub in subs:
        sub.status = rng.choice(SUB_STATUSES)
        if sub.status != SubOrderStatus.ROUTED:
            sub.accepted_at = routed
        if sub.status == SubOrderStatus.SHIPPED:
            sub.shipment = Shipment(carrier="SF", tracking_no=f"SF{i:012d}", shipped_at=routed)
    order.awaiting_shipment = [s.id for s in subs if s.status != SubOrderStatus.SHIPPED]
    if not order.awaiting_shipment:
        order.status, order.shipped_at = OrderStatus.SHIPPED, routed
    return order.model_dump(by_alias=True), [sub.model_dump(by_alias=True) for sub in subs]


def _line(n: int, qty: int, shape: Shape) -> OrderLine:
    supplier = supplier_id(n % shape.suppliers)
    return OrderLine(sku=sku_code(n), qty=qty, unit_price=1990, unit_cost=1000, supplier_id=supplier)


def sku_docs(n: int, shape: Shape) -> tuple[Doc, Doc]:
    """The catalog's SKU and inventory's stock document of SKU n."""
    supplier = supplier_id(n % shape.suppliers)
    sku = Sku(
        id=sku_code(n),
        product_id=f"prd_grow_{n // 3:07d}",
        supplier_id=supplier,
        specs={"颜色": "红"},
        tier_prices={"standard": 1000, "gold": 950},
        orderable=True,
    )
    stock = StockRecord.first_sync(sku_code(n), supplier, 1_000, START)
    return stored(sku), stock.model_dump(by_alias=True)


def key_docs(suppliers: int) -> list[Doc]:
    """A main API key for every supplier, so each can pull its sub-orders."""
    return [
        ApiKey(key_hash=hash_key(supplier_key(n)), kind="supplier", owner_id=supplier_id(n)).model_dump(
            by_alias=True
        )
        for n in range(suppliers)
    ]


def _batches(first: int, end: int, size: int) -> Iterator[range]:
    for start in range(first, end, size):
        yield range(start, min(end, start + size))


@dataclass(frozen=True)
class Bulk:
    """How to insert: `batch` documents per insert_many, `parallel` batches in flight."""

    batch: int
    parallel: int


async def seed_orders(db: AsyncDatabase[Doc], first: int, end: int, shape: Shape, bulk: Bulk) -> None:
    """Orders [first, end) with their sub-orders."""

    async def one(numbers: range) -> None:
        pairs = [order_docs(i, shape) for i in numbers]
        await db[ORDERS].insert_many([order for order, _ in pairs], ordered=False)
        await db[SUB_ORDERS].insert_many([s for _, subs in pairs for s in subs], ordered=False)

    await _in_batches(one, first, end, bulk, "seed orders")


async def seed_skus(db: AsyncDatabase[Doc], first: int, end: int, shape: Shape, bulk: Bulk) -> None:
    """SKUs [first, end): the catalog's SKU and inventory's stock document of each."""

    async def one(numbers: range) -> None:
        pairs = [sku_docs(n, shape) for n in numbers]
        await db[SKUS].insert_many([sku for sku, _ in pairs], ordered=False)
        await db[StockRecord.COLLECTION].insert_many([stock for _, stock in pairs], ordered=False)

    await _in_batches(one, first, end, bulk, "seed SKUs")


async def _in_batches(
    insert: Callable[[range], Awaitable[None]], first: int, end: int, bulk: Bulk, what: str
) -> None:
    gate = asyncio.Semaphore(bulk.parallel)
    with tqdm(total=max(0, end - first), desc=what, dynamic_ncols=True) as bar:

        async def gated(numbers: range) -> None:
            async with gate:
                await insert(numbers)
                bar.update(len(numbers))

        await asyncio.gather(*(gated(numbers) for numbers in _batches(first, end, bulk.batch)))
