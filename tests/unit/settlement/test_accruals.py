"""Accrual, reversal and adjustment on the in-memory twin: amounts, placement, repeats, totals."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.unit.settlement.support import MONDAY, WEEK, Line, Orders, adjustment, deps, returned, shipped
from workers.settlement.handlers.accruals import adjust, on_return_received, on_sub_order_shipped
from workers.settlement.memory import MemorySettlement
from workers.settlement.model import MOVES, StatementLine, StatementStatus, period_of, statement_id

DAY = timedelta(days=1)
THIS_WEEK = statement_id("sup_1", period_of(MONDAY, WEEK))
NEXT_WEEK = statement_id("sup_1", period_of(MONDAY + WEEK, WEEK))


@pytest.fixture
def orders() -> Orders:
    found = Orders()
    # Two SKUs of sup_1 (2 x 700 and 1 x 400 fen) and one of sup_2; charged 2000 + 1200 + 900.
    found.add(
        "o1",
        Line("CUP", 2, "sup_1", 700),
        Line("LID", 1, "sup_1", 400),
        Line("MUG", 1, "sup_2", 600),
        charges=[2000, 1200, 900],
    )
    found.add("o2", Line("OLD", 3, "sup_1", None), charges=[3000])
    return found


@pytest.fixture
def repo() -> MemorySettlement:
    return MemorySettlement()


async def test_a_shipment_accrues_qty_times_settlement_price_once_with_its_margin(
    orders: Orders, repo: MemorySettlement
) -> None:
    event = shipped("o1", "sup_1", MONDAY + DAY)
    assert await on_sub_order_shipped(event, deps=deps(orders, repo)) == []
    await on_sub_order_shipped(event, deps=deps(orders, repo))  # a redelivery
    statement = repo.statements[THIS_WEEK]
    [line] = statement.lines
    assert (line.key, line.kind, line.amount, line.charged, line.margin) == (
        "shipment:so_o1_sup_1",
        "shipment",
        1800,
        3200,
        1400,
    )
    assert (statement.total, statement.status, statement.supplier_id) == (1800, StatementStatus.OPEN, "sup_1")
    assert list(repo.entries) == ["shipment:so_o1_sup_1"]


async def test_a_sku_without_settlement_price_is_flagged_and_paid_nothing(
    orders: Orders, repo: MemorySettlement
) -> None:
    await on_sub_order_shipped(shipped("o2", "sup_1", MONDAY), deps=deps(orders, repo))
    [line] = repo.statements[THIS_WEEK].lines
    assert (line.amount, line.missing_settlement, repo.statements[THIS_WEEK].flagged) == (0, ["OLD"], 1)


async def test_a_return_reverses_the_units_received_in_the_shipments_open_statement(
    orders: Orders, repo: MemorySettlement
) -> None:
    await on_sub_order_shipped(shipped("o1", "sup_1", MONDAY + DAY), deps=deps(orders, repo))
    # Received in the next week, before the shipment's statement is issued: it adjusts that one.
    back = returned("r1", "o1", "sup_1", MONDAY + WEEK + DAY, (0, "CUP", 1), (2, "MUG", 1))
    await on_return_received(back, deps=deps(orders, repo))
    await on_return_received(back, deps=deps(orders, repo))
    statement = repo.statements[THIS_WEEK]
    assert [(line.kind, line.amount) for line in statement.lines] == [("shipment", 1800), ("return", -700)]
    assert statement.total == 1100 == sum(line.amount for line in statement.lines)
    assert NEXT_WEEK not in repo.statements  # MUG is sup_2's: nothing reversed for it here


async def test_a_line_landing_after_its_statement_was_issued_goes_to_the_next_open_one(
    orders: Orders, repo: MemorySettlement
) -> None:
    await on_sub_order_shipped(shipped("o1", "sup_1", MONDAY + DAY), deps=deps(orders, repo))
    source, target, _ = MOVES["issue"]
    assert await repo.move(THIS_WEEK, source, target, {}) is not None
    back = returned("r1", "o1", "sup_1", MONDAY + 2 * WEEK, (1, "LID", 5))
    await on_return_received(back, deps=deps(orders, repo))
    assert [line.amount for line in repo.statements[THIS_WEEK].lines] == [1800]
    assert repo.statements[THIS_WEEK].total == 1800
    # At most the line's quantity is reversed: 1 LID, not 5.
    assert [(line.key, line.amount) for line in repo.statements[NEXT_WEEK].lines] == [("return:r1", -400)]
    assert repo.entries["return:r1"].statement_id == NEXT_WEEK


async def test_an_adjustment_lands_once_per_reference_on_the_sub_orders_statement(
    orders: Orders, repo: MemorySettlement
) -> None:
    await on_sub_order_shipped(shipped("o1", "sup_1", MONDAY + DAY), deps=deps(orders, repo))
    charge_back = adjustment("sup_1", -700, "cb-1", MONDAY + WEEK + DAY, sub="so_o1_sup_1")
    await adjust(charge_back, deps=deps(orders, repo))
    await adjust(charge_back, deps=deps(orders, repo))
    other = adjustment("sup_1", 250, "reship-1", MONDAY + WEEK + DAY)
    await adjust(other, deps=deps(orders, repo))
    assert [(line.kind, line.amount, line.reference) for line in repo.statements[THIS_WEEK].lines] == [
        ("shipment", 1800, None),
        ("adjustment", -700, "cb-1"),
    ]
    assert [(line.amount, line.reason) for line in repo.statements[NEXT_WEEK].lines] == [
        (250, "退款不退货 供应商承担")
    ]


async def test_an_order_not_yet_readable_is_redelivered_and_stores_nothing(repo: MemorySettlement) -> None:
    with pytest.raises(RuntimeError):
        await on_sub_order_shipped(shipped("o9", "sup_1", MONDAY), deps=deps(Orders(), repo))
    assert (repo.entries, repo.statements) == ({}, {})


async def test_a_reships_sub_order_accrues_nothing(orders: Orders, repo: MemorySettlement) -> None:
    orders.orders["reship:o1:r1"] = orders.orders["o1"]
    orders.subs["so_reship:o1:r1_sup_1"] = replace(orders.subs["so_o1_sup_1"], reship_of="o1")
    assert await on_sub_order_shipped(shipped("reship:o1:r1", "sup_1", MONDAY), deps=deps(orders, repo)) == []
    assert (repo.entries, repo.statements) == ({}, {})


class IssuedMeanwhile(MemorySettlement):
    """The statement is issued between a placer reading it open and adding its line."""

    async def add_line(self, statement_id: str, line: StatementLine) -> bool:
        if statement_id == THIS_WEEK and line.kind == "return":
            await self.move(statement_id, StatementStatus.OPEN, StatementStatus.ISSUED, {})
        return await super().add_line(statement_id, line)


async def test_a_statement_issued_under_a_placer_gets_nothing_more_and_the_line_moves_on(
    orders: Orders,
) -> None:
    repo = IssuedMeanwhile()
    await on_sub_order_shipped(shipped("o1", "sup_1", MONDAY + DAY), deps=deps(orders, repo))
    back = returned("r1", "o1", "sup_1", MONDAY + DAY, (0, "CUP", 2))
    await on_return_received(back, deps=deps(orders, repo))
    assert [(line.kind, line.amount) for line in repo.statements[THIS_WEEK].lines] == [("shipment", 1800)]
    assert repo.statements[THIS_WEEK].status is StatementStatus.ISSUED
    assert [(line.key, line.amount) for line in repo.statements[NEXT_WEEK].lines] == [("return:r1", -1400)]


async def test_an_entry_stored_before_a_crash_is_placed_once_on_redelivery(
    orders: Orders, repo: MemorySettlement
) -> None:
    event = shipped("o1", "sup_1", MONDAY + DAY)
    crashed = MemorySettlement()

    async def no_statement(*_: object) -> bool:
        raise ConnectionError("store gone after the entry was stored")

    crashed.add_line = no_statement  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        await on_sub_order_shipped(event, deps=deps(orders, crashed))
    repo.entries = dict(crashed.entries)
    await on_sub_order_shipped(event, deps=deps(orders, repo))
    assert [line.key for line in repo.statements[THIS_WEEK].lines] == ["shipment:so_o1_sup_1"]
    assert repo.statements[THIS_WEEK].total == 1800
