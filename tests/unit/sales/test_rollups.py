"""Sales facts and roll-ups on the in-memory twin: each fact stored once, each roll-up equal to
the sum of its facts after duplicates, redeliveries and crashes between any two steps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from schemas.events import OrderClosed, OrderRefunded, OrderRouted, RefundedLine, SubOrderShipped
from workers.sales.handlers import facts, rollup
from workers.sales.memory import MemorySales
from workers.sales.model import Figures, SaleLine, SoldOrder, increments
from workers.sales.model.rollup import STALE_AFTER

SOLD_AT = datetime(2026, 12, 3, 9, 41, tzinfo=UTC)


def line(sku: str, qty: int, unit_price: int, supplier: str, charge: int, discount: int = 0) -> SaleLine:
    return SaleLine(
        sku=sku,
        qty=qty,
        unit_price=unit_price,
        supplier_id=supplier,
        category="tea",
        charge=charge,
        discount=discount,
    )


def order(key: str = "generic:s1:P-1", merchant: str = "m1", **changes: object) -> SoldOrder:
    lines = [
        line("TEA-1", 2, 1990, "sup1", 2300, 100),
        line("TEA-2", 1, 990, "sup2", 600, 0),
        line("TEA-1", 1, 1990, "sup1", 1200),
    ]
    sold = SoldOrder(
        order_key=key, platform="generic", shop_id="s1", merchant_id=merchant, sold_at=SOLD_AT, lines=lines
    )
    return sold.model_copy(update=changes)


class Orders:
    def __init__(self, *orders: SoldOrder) -> None:
        self.by_key = {o.order_key: o for o in orders}

    async def sold_order(self, order_key: str) -> SoldOrder | None:
        return self.by_key.get(order_key)

    async def categories(self, skus: Sequence[str]) -> dict[str, str]:
        return {}


def routed(key: str = "generic:s1:P-1") -> OrderRouted:
    return OrderRouted(correlation_id=key, order_key=key, merchant_id="m1")


def refunded(key: str = "generic:s1:P-1", credit: str = "cr1") -> OrderRefunded:
    lines = [RefundedLine(line=0, sku="TEA-1", qty=1, amount=1100)]
    return OrderRefunded(
        correlation_id=key,
        order_key=key,
        merchant_id="m1",
        refund_id="rf1",
        credit_id=credit,
        kind="return",
        lines=lines,
        amount=1100,
    )


def exact(repo: MemorySales) -> bool:
    """Every roll-up equals the sum of its facts (the audit's rule), and none is pending."""
    expected = {b.id: b.figures for b in increments(repo.stored_facts.values())}
    stored = {b.id: b.figures for b in repo.buckets.values()}
    return expected == stored and all(f.batch for f in repo.stored_facts.values())


def bucket(repo: MemorySales, bucket_id: str) -> Figures:
    return repo.buckets[bucket_id].figures


async def test_a_sale_counts_each_line_once_and_its_order_once_per_bucket() -> None:
    repo, orders = MemorySales(), Orders(order())
    await facts.order_routed(routed(), repo=repo, orders=orders)
    assert await rollup.roll_up(repo) == 3
    assert bucket(repo, "hour|20261203T09|sku|sup1|TEA-1") == Figures(
        orders=1, units=3, revenue=5970, cost=3500, discount=100
    )
    assert bucket(repo, "hour|20261203T09|shop|m1|generic|s1") == Figures(
        orders=1, units=4, revenue=6960, cost=4100, discount=100
    )
    assert bucket(repo, "hour|20261203T09|merchant_supplier|m1|sup2").orders == 1
    assert bucket(repo, "hour|20261203T09|merchant_sku|m1|sup1|TEA-1").orders == 1
    assert len(repo.buckets) == 10  # by hour only: a day is read as the sum of its hours
    assert exact(repo)


async def test_a_duplicated_and_redelivered_event_stores_its_facts_once() -> None:
    repo, orders = MemorySales(), Orders(order())
    for _ in range(3):
        await facts.order_routed(routed(), repo=repo, orders=orders)
        await rollup.roll_up(repo)
    await facts.order_routed(routed(), repo=repo, orders=orders)
    assert await rollup.roll_up(repo) == 0
    assert len(repo.stored_facts) == 3
    assert bucket(repo, "hour|20261203T09|shop|m1|generic|s1") == Figures(
        orders=1, units=4, revenue=6960, cost=4100, discount=100
    )
    assert exact(repo)


@pytest.mark.parametrize("step", ["apply", "mark_applied", "close"])
async def test_a_crash_between_the_facts_and_the_roll_ups_is_finished_by_the_next_run(step: str) -> None:
    repo, orders = MemorySales(), Orders(order())
    await facts.order_routed(routed(), repo=repo, orders=orders)
    repo.crash_before.add(step)
    with pytest.raises(ConnectionError):
        await rollup.roll_up(repo)
    await facts.order_routed(routed(), repo=repo, orders=orders)  # the redelivery
    assert await rollup.roll_up(repo) == 3
    assert bucket(repo, "hour|20261203T09|shop|m1|generic|s1").units == 4
    assert exact(repo)


async def test_a_batch_cut_half_way_through_its_buckets_adds_each_bucket_once() -> None:
    repo, orders = MemorySales(), Orders(order(), order("generic:s1:P-2"))
    await facts.order_routed(routed(), repo=repo, orders=orders)
    await facts.order_routed(routed("generic:s1:P-2"), repo=repo, orders=orders)
    repo.crash_in_apply_after = 7
    with pytest.raises(ConnectionError):
        await rollup.roll_up(repo)
    assert sum(1 for b in repo.buckets.values() if b.batch == 1) == 7
    assert await rollup.roll_up(repo) == 6
    assert bucket(repo, "hour|20261203T09|shop|m1|generic|s1").orders == 2
    assert exact(repo)


async def test_a_stale_copy_replaying_a_finished_batch_adds_nothing() -> None:
    """Two copies run the same batch: the second one to write finds every bucket past it."""
    repo, orders = MemorySales(), Orders(order())
    await facts.order_routed(routed(), repo=repo, orders=orders)
    repo.crash_before.add("mark_applied")
    with pytest.raises(ConnectionError):
        await rollup.roll_up(repo)
    planned = await repo.cursor()
    stale = increments(await repo.facts(planned.fact_ids))
    await rollup.roll_up(repo)  # another copy finishes batch 1
    await facts.order_routed(routed("generic:s1:P-2"), repo=repo, orders=Orders(order("generic:s1:P-2")))
    await rollup.roll_up(repo)  # and runs batch 2
    await repo.apply(planned.batch, stale)  # the first copy wakes up and replays batch 1
    assert bucket(repo, "hour|20261203T09|shop|m1|generic|s1").orders == 2
    assert exact(repo)


async def test_a_lost_race_to_plan_changes_nothing() -> None:
    repo, orders = MemorySales(), Orders(order())
    await facts.order_routed(routed(), repo=repo, orders=orders)
    current = await repo.cursor()
    assert await repo.plan(current, current.planned(["sold|generic:s1:P-1|0"], "a", SOLD_AT))
    assert not await repo.plan(current, current.planned(["sold|generic:s1:P-1|1"], "b", SOLD_AT))
    assert (await repo.cursor()).fact_ids == ["sold|generic:s1:P-1|0"]
    await rollup.roll_up(repo)
    assert exact(repo)


async def test_another_copys_running_batch_is_left_to_it_until_it_looks_crashed() -> None:
    repo, orders = MemorySales(), Orders(order())
    await facts.order_routed(routed(), repo=repo, orders=orders)
    repo.crash_before.add("mark_applied")
    with pytest.raises(ConnectionError):
        await rollup.roll_up(repo, me="copy-a")
    assert await rollup.roll_up(repo, me="copy-b") == 0
    assert (await repo.cursor()).open
    running = await repo.cursor()
    assert running.planned_at is not None
    repo.rollup_cursor = running.model_copy(update={"planned_at": running.planned_at - STALE_AFTER})
    assert await rollup.roll_up(repo, me="copy-b") == 3
    assert not (await repo.cursor()).open
    assert exact(repo)


async def test_refunds_shipments_and_a_cancellation_net_against_the_sale() -> None:
    repo, orders = MemorySales(), Orders(order())
    await facts.order_routed(routed(), repo=repo, orders=orders)
    shipped = SubOrderShipped(
        correlation_id="generic:s1:P-1",
        order_key="generic:s1:P-1",
        sub_order_id="so1",
        supplier_id="sup1",
        merchant_id="m1",
    )
    for event in (shipped, shipped):
        await facts.sub_order_shipped(event, repo=repo, orders=orders)
    for event in (refunded(), refunded(), refunded(credit="cr2")):
        await facts.order_refunded(event, repo=repo, orders=orders)
    closed = OrderClosed(
        correlation_id="generic:s1:P-1", order_key="generic:s1:P-1", merchant_id="m1", status="cancelled"
    )
    await facts.order_closed(closed, repo=repo, orders=orders)
    await rollup.roll_up(repo)
    day = bucket(repo, "hour|20261203T09|shop|m1|generic|s1")
    assert day == Figures(
        orders=1,
        units=4,
        revenue=6960,
        cost=4100,
        discount=100,
        refunded=2200,
        refunded_units=2,
        refunded_revenue=3980,
        shipped_units=3,
        cancelled_orders=1,
    )
    assert day.margin == 6960 - 3980 - 4100 + 2200
    assert exact(repo)


async def test_an_order_closed_before_it_was_routed_sold_nothing() -> None:
    repo, orders = MemorySales(), Orders(order(routed=False))
    closed = OrderClosed(
        correlation_id="generic:s1:P-1", order_key="generic:s1:P-1", merchant_id="m1", status="rejected"
    )
    await facts.order_closed(closed, repo=repo, orders=orders)
    assert await rollup.roll_up(repo) == 0
    assert (repo.stored_facts, repo.buckets) == ({}, {})


async def test_a_reship_counts_its_units_and_cost_but_no_revenue_or_order() -> None:
    repo, orders = MemorySales(), Orders(order(reship=True))
    await facts.order_routed(routed(), repo=repo, orders=orders)
    await rollup.roll_up(repo)
    assert bucket(repo, "hour|20261203T09|shop|m1|generic|s1") == Figures(units=4, cost=4100, discount=100)
    assert exact(repo)


async def test_an_event_for_an_unknown_order_is_dead_lettered_and_stores_nothing() -> None:
    from juhe.outgoing import DeadLetterError

    repo = MemorySales()
    with pytest.raises(DeadLetterError):
        await facts.order_routed(routed(), repo=repo, orders=Orders())
    assert repo.stored_facts == {}
