"""What a hold costs as a SKU's open orders pile up: bounded holds against the old way, in one run.

For each count of open orders (reserved, not shipped) on a fresh SKU, time one-line
reservations of that SKU, one after another, through inventory's own handler and repository
on the run's store (a database of this phase's own). Twice: as the system runs, where a reserved
order's hold settles out of the SKU document, and as before, where it stays there (`Unsettled`).
The SKU document's size is reported alongside.
"""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

import bson
from pymongo.asynchronous.database import AsyncDatabase

from schemas.commands import ReserveStock
from schemas.common import StockLine
from workers.inventory import handlers
from workers.inventory.memory import SEEDED_AT
from workers.inventory.model import StockRecord
from workers.inventory.repository import MongoInventoryRepository, Settling

Doc = dict[str, Any]

OPEN_ORDERS = (0, 40, 80, 320, 1000)
TIMED = 60
#: Bounded: with the most open orders, a settled hold's p50 is at most this times the empty SKU's.
BOUND = 1.5


class Unsettled(Settling):
    """The way before bounded holds: a reserved order's hold stays in its SKU's document."""

    def add(self, order_key: str, skus: list[str]) -> None:
        pass


async def hold_costs(db: AsyncDatabase[Doc], open_orders: tuple[int, ...] = OPEN_ORDERS) -> dict[str, Any]:
    """Per way and per count of open orders: p50 and p95 ms of a reservation, and document bytes."""
    ways: dict[str, Settling] = {"settled": Settling(), "unsettled (before)": Unsettled()}
    await _cost(db, Settling(), 40)  # warm the store and the connection pool first
    return {
        way: {str(n): await _cost(db, settling, n) for n in open_orders} for way, settling in ways.items()
    }


async def _cost(db: AsyncDatabase[Doc], settling: Settling, open_orders: int) -> dict[str, float]:
    repo = MongoInventoryRepository(db, settling)
    sku = f"HOLDCOST-{uuid.uuid4().hex[:8]}"
    await repo.set_on_hand(sku, "sup", open_orders + TIMED, SEEDED_AT)
    for n in range(open_orders):
        await handlers.reserve_stock(_order(sku, f"{sku}-open-{n}"), repo=repo)
    for _ in range(2):  # the first sweep only ages what no hold has carried yet
        await repo.settle_queued()
    millis = []
    for n in range(TIMED):
        start = time.perf_counter()
        await handlers.reserve_stock(_order(sku, f"{sku}-timed-{n}"), repo=repo)
        millis.append((time.perf_counter() - start) * 1000)
    doc = await db[StockRecord.COLLECTION].find_one({"_id": sku})
    return {
        "p50_ms": round(statistics.median(millis), 2),
        "p95_ms": round(statistics.quantiles(millis, n=20)[-1], 2),
        "document_bytes": len(bson.encode(doc or {})),
    }


def _order(sku: str, key: str) -> ReserveStock:
    return ReserveStock(correlation_id=key, order_key=key, lines=[StockLine(sku=sku, qty=1)])


def growth(costs: dict[str, Any], way: str = "settled") -> float:
    """p50 with the most open orders / p50 with none."""
    p50s = [float(c["p50_ms"]) for c in costs[way].values()]
    return round(p50s[-1] / p50s[0], 2)


def bounded(costs: dict[str, Any]) -> bool:
    return growth(costs) <= BOUND


def render(costs: dict[str, Any]) -> list[str]:
    lines = ["hold cost  : one-line reservation of a SKU with N open orders: p50/p95 ms (document bytes)"]
    for way, by_count in costs.items():
        cells = [f"{n}: {c['p50_ms']}/{c['p95_ms']} ({c['document_bytes']})" for n, c in by_count.items()]
        lines.append(f"{'':<11}  {way:<19} " + "  ".join(cells))
    verdict = "PASS" if bounded(costs) else "FAIL"
    most = list(costs["settled"])[-1]
    lines.append(
        f"{'':<11}  p50 at {most} open / at 0: {growth(costs)} settled, "
        f"{growth(costs, 'unsettled (before)')} before; bounded (<= {BOUND}): {verdict}"
    )
    return lines
