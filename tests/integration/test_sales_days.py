"""Days read from the hour roll-ups on the store: a day's figures are the sum of its hours (orders
counted once), a day counts when it starts in [from, to), and the live view's changes are days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from schemas.events import OrderRouted, Sale, SoldLine
from tests.support.api import unique
from tests.support.system import System
from workers.sales.handlers import facts, rollup
from workers.sales.model import BUCKETS, Granularity, SoldOrder
from workers.sales.queries import GroupBy, Metric, Period, SalesQueries, Slice
from workers.sales.repository import MongoSalesRepository

#: Long before the other tests' sales (they read from today).
DAY_1 = datetime(2025, 1, 15, tzinfo=UTC)
DAY_2 = datetime(2025, 1, 16, tzinfo=UTC)
DAY_3 = datetime(2025, 1, 17, tzinfo=UTC)


class NoReads:
    async def sold_order(self, order_key: str) -> SoldOrder | None:
        raise AssertionError(f"read order {order_key}")

    async def categories(self, skus: Sequence[str]) -> dict[str, str]:
        raise AssertionError(f"read categories of {skus}")


def routed(merchant: str, sold_at: datetime, qty: int) -> OrderRouted:
    key = f"generic:s-{merchant}:{unique('D')}"
    line = SoldLine(
        sku="DAY-1",
        qty=qty,
        unit_price=1000,
        supplier_id="sup_days",
        charge=800 * qty,
        discount=0,
        category="cups",
    )
    sale = Sale(platform="generic", shop_id=f"s-{merchant}", received_at=sold_at, lines=[line, line])
    return OrderRouted(correlation_id=key, order_key=key, merchant_id=merchant, sale=sale)


async def test_a_day_is_the_sum_of_its_hours_and_only_hours_are_stored(system: System) -> None:
    merchant, repo = unique("mch_days"), MongoSalesRepository(system.db)
    for at, qty in ((DAY_1.replace(hour=9), 1), (DAY_1.replace(hour=22), 2), (DAY_2.replace(hour=3), 4)):
        await facts.order_routed(routed(merchant, at, qty), repo=repo, orders=NoReads())
    await rollup.roll_up(repo)
    queries, mine = SalesQueries(system.db), Slice(merchant=merchant)

    days = await queries.summary(mine, GroupBy.DAY, Period(DAY_1, DAY_3))
    assert days is not None
    assert [(r.key, r.orders, r.units, r.revenue, r.cost) for r in days.items] == [
        ("2025-01-16", 1, 8, 8000, 6400),
        ("2025-01-15", 2, 6, 6000, 4800),
    ]
    by_sku = await queries.series(mine, GroupBy.SKU, Granularity.DAY, Period(DAY_1), Metric.ORDERS)
    assert by_sku is not None
    assert [(p.key, p.period, p.value) for p in by_sku.items] == [("DAY-1", DAY_1, 2), ("DAY-1", DAY_2, 1)]
    hours = await queries.series(mine, GroupBy.HOUR, Granularity.HOUR, Period(DAY_1), Metric.UNITS)
    assert hours is not None
    assert [(p.key, p.value) for p in hours.items] == [
        ("2025-01-15T09:00:00+00:00", 2),
        ("2025-01-15T22:00:00+00:00", 4),
        ("2025-01-16T03:00:00+00:00", 8),
    ]
    late_start = await queries.series(
        mine, GroupBy.DAY, Granularity.DAY, Period(DAY_1.replace(hour=10)), Metric.UNITS
    )
    assert late_start is not None
    assert [(p.key, p.value) for p in late_start.items] == [("2025-01-16", 8)]  # the 15th starts before

    batch = await queries.batch()
    changed = await queries.changed_periods(mine, GroupBy.SKU, Granularity.DAY, batch - 1, batch)
    assert changed == {DAY_1, DAY_2}
    [point] = await queries.points_in(mine, GroupBy.SKU, Granularity.DAY, {DAY_1})
    assert (point.key, point.period, point.orders, point.units) == ("DAY-1", DAY_1, 2, 6)
    assert await system.db[BUCKETS].count_documents({"merchant": merchant, "granularity": "day"}) == 0
