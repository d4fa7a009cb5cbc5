"""What the sales handlers read: nothing for a routing event that carries its sale, the order's
own sold facts for the later events, and the order (as before) only when those lack something."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import cast

from schemas.events import (
    OrderClosed,
    OrderRefunded,
    OrderRouted,
    RefundedLine,
    Sale,
    SubOrderShipped,
)
from workers.catalog.queries import CatalogQueries
from workers.order.model import LogEntry, OrderLine, OrderStatus
from workers.order.queries import OrderQueries, OrderView
from workers.sales.handlers import facts
from workers.sales.handlers.ports import SoldOrders
from workers.sales.memory import MemorySales
from workers.sales.model import Figures, SaleFact, SoldOrder
from workers.sales.subscribers import OrdersForSales

KEY = "generic:s1:P-1"
SOLD_AT = datetime(2026, 12, 3, 9, 41, tzinfo=UTC)


def view(*categories: str | None) -> OrderView:
    """A routed order of two lines (cost 2400 and 600, a discount of 100) as the order shows it."""
    lines = [
        OrderLine(
            sku="TEA-1", qty=2, unit_price=1990, unit_cost=1200, supplier_id="sup1", category=categories[0]
        ),
        OrderLine(
            sku="TEA-2", qty=1, unit_price=990, unit_cost=600, supplier_id="sup2", category=categories[1]
        ),
    ]
    return OrderView(
        order_key=KEY,
        platform="generic",
        shop_id="s1",
        platform_order_id="P-1",
        merchant_id="m1",
        status=OrderStatus.ROUTED,
        lines=lines,
        total_cost=3000,
        discount=100,
        charged=2900,
        sub_orders=[],
        events=[LogEntry.of("received", SOLD_AT), LogEntry.of("routed", SOLD_AT)],
        received_at=SOLD_AT,
        payloads=[],
    )


class Views:
    """The order's and the catalog's queries as sales reads them, counting the reads."""

    def __init__(self, order: OrderView, categories: dict[str, str]) -> None:
        self.order_view, self.known = order, categories
        self.order_reads = 0
        self.asked: list[list[str]] = []

    async def order(self, order_key: str) -> OrderView | None:
        self.order_reads += 1
        return self.order_view if order_key == self.order_view.order_key else None

    async def categories(self, skus: list[str]) -> dict[str, str]:
        self.asked.append(skus)
        return {sku: self.known[sku] for sku in skus if sku in self.known}

    def reader(self) -> SoldOrders:
        return OrdersForSales(cast(OrderQueries, self), cast(CatalogQueries, self))


class NoReads:
    """A reader that fails if asked anything."""

    async def sold_order(self, order_key: str) -> SoldOrder | None:
        raise AssertionError(f"read order {order_key}")

    async def categories(self, skus: Sequence[str]) -> dict[str, str]:
        raise AssertionError(f"read categories of {skus}")


def routed(sale: Sale | None = None) -> OrderRouted:
    return OrderRouted(correlation_id=KEY, order_key=KEY, merchant_id="m1", sale=sale)


def later_events() -> list[SubOrderShipped | OrderRefunded | OrderClosed]:
    refund = [RefundedLine(line=1, sku="TEA-2", qty=1, amount=580)]
    return [
        SubOrderShipped(
            correlation_id=KEY, order_key=KEY, sub_order_id="so1", supplier_id="sup1", merchant_id="m1"
        ),
        OrderRefunded(
            correlation_id=KEY,
            order_key=KEY,
            merchant_id="m1",
            refund_id="rf1",
            credit_id="cr1",
            kind="return",
            lines=refund,
            amount=580,
        ),
        OrderClosed(correlation_id=KEY, order_key=KEY, merchant_id="m1", status="cancelled"),
    ]


async def handle_later(repo: MemorySales, orders: SoldOrders) -> None:
    for event in later_events():
        if isinstance(event, SubOrderShipped):
            await facts.sub_order_shipped(event, repo=repo, orders=orders)
        elif isinstance(event, OrderRefunded):
            await facts.order_refunded(event, repo=repo, orders=orders)
        else:
            await facts.order_closed(event, repo=repo, orders=orders)


def stored(repo: MemorySales, *kinds: str) -> dict[str, SaleFact]:
    """The facts as derived, without the times they were stored at."""
    return {
        i: f.model_copy(update={"event_at": None, "stored_at": None})
        for i, f in repo.stored_facts.items()
        if not kinds or f.kind in kinds
    }


async def test_a_routing_that_carries_its_sale_stores_the_same_facts_as_a_read_of_the_order() -> None:
    order = view("tea", "snacks")
    without_reads, by_reading = MemorySales(), MemorySales()
    await facts.order_routed(routed(order.sale), repo=without_reads, orders=NoReads())
    views = Views(order, {})
    await facts.order_routed(routed(), repo=by_reading, orders=views.reader())
    assert stored(without_reads) == stored(by_reading)
    assert (views.order_reads, views.asked) == (1, [])
    first = without_reads.stored_facts[f"sold|{KEY}|0"]
    assert (first.category, first.sold_at, first.shop, first.merchant) == ("tea", SOLD_AT, "s1", "m1")
    assert first.figures == Figures(orders=1, units=2, revenue=3980, cost=2320, discount=80)
    assert (first.unit_price, first.order_lines) == (1990, 2)


async def test_a_line_that_does_not_know_its_category_reads_the_catalog_and_not_the_order() -> None:
    order = view("tea", None)
    views = Views(order, {"TEA-2": "snacks"})
    repo = MemorySales()

    class CatalogOnly(NoReads):
        async def categories(self, skus: Sequence[str]) -> dict[str, str]:
            return await views.reader().categories(skus)

    await facts.order_routed(routed(order.sale), repo=repo, orders=CatalogOnly())
    assert (views.order_reads, views.asked) == (0, [["TEA-2"]])
    assert [f.category for f in repo.stored_facts.values()] == ["tea", "snacks"]


async def test_a_routing_without_its_sale_reads_the_order_as_before() -> None:
    """An event published by an older version (still queued) carries no sale."""
    views, repo = Views(view(None, None), {"TEA-1": "tea"}), MemorySales()
    await facts.order_routed(routed(), repo=repo, orders=views.reader())
    assert (views.order_reads, views.asked) == (1, [["TEA-1", "TEA-2"]])
    assert [f.category for f in repo.stored_facts.values()] == ["tea", "uncategorized"]


async def test_later_events_derive_from_the_orders_sold_facts_without_reading_it() -> None:
    order = view("tea", "snacks")
    from_facts, by_reading = MemorySales(), MemorySales()
    await facts.order_routed(routed(order.sale), repo=from_facts, orders=NoReads())
    await handle_later(from_facts, NoReads())
    views = Views(order, {})
    await handle_later(by_reading, views.reader())  # the sale not counted yet: the order is read
    assert views.order_reads == 3
    later = ("shipped", "refunded", "closed")
    assert stored(from_facts, *later) == stored(by_reading, *later)
    assert sorted(stored(from_facts, *later)) == [
        "closed|generic:s1:P-1|0",
        "closed|generic:s1:P-1|1",
        "refund|cr1|0",
        "shipped|so1|0",
    ]
    assert from_facts.stored_facts["refund|cr1|0"].figures == Figures(
        refunded=580, refunded_units=1, refunded_revenue=990
    )


async def test_sold_facts_that_lack_a_line_or_its_price_leave_the_order_to_be_read() -> None:
    """Facts stored before they carried the line's price, or a sale stored only in part."""
    order = view("tea", "snacks")
    for damage in ("old", "partial"):
        repo = MemorySales()
        await facts.order_routed(routed(order.sale), repo=repo, orders=NoReads())
        if damage == "old":
            for i, fact in repo.stored_facts.items():
                repo.stored_facts[i] = fact.model_copy(update={"unit_price": None, "order_lines": None})
        else:
            del repo.stored_facts[f"sold|{KEY}|1"]
        views = Views(order, {})
        await handle_later(repo, views.reader())
        assert views.order_reads == 3
        assert repo.stored_facts["refund|cr1|0"].figures.refunded_revenue == 990
