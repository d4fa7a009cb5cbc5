"""Inventory rules against the in-memory twin: all lines or none, one decision per order."""

from __future__ import annotations

from schemas.commands import CommitStock, ReleaseStock, ReserveStock
from schemas.common import StockLine
from schemas.events import StockChanged, StockRejected, StockReserved
from tests.unit.fakes import MemoryInventory
from workers.inventory import handlers


def reserve(key: str, *lines: tuple[str, int]) -> ReserveStock:
    return ReserveStock(correlation_id=key, order_key=key, lines=[StockLine(sku=s, qty=q) for s, q in lines])


async def test_all_lines_held_when_every_sku_has_stock() -> None:
    repo = MemoryInventory(A=5, B=2)
    out = await handlers.reserve_stock(reserve("o1", ("A", 3), ("B", 2)), repo=repo)
    assert out == [
        StockReserved(correlation_id="o1", order_key="o1", occurred_at=out[0].occurred_at),
        StockChanged(correlation_id="o1", skus=["A", "B"], cause="reserve", occurred_at=out[1].occurred_at),
    ]
    assert (repo.stock["A"].reserved, repo.stock["B"].reserved) == (3, 2)


async def test_one_short_line_holds_nothing() -> None:
    """B lacks stock: A's hold is given back and the order is rejected naming B."""
    repo = MemoryInventory(A=5, B=1)
    [event, _] = await handlers.reserve_stock(reserve("o1", ("A", 3), ("B", 2)), repo=repo)
    assert isinstance(event, StockRejected)
    assert (event.reason, event.sku) == ("out_of_stock", "B")
    assert (repo.stock["A"].reserved, repo.stock["A"].holds) == (0, {})
    assert repo.stock["B"].reserved == 0


async def test_redelivery_repeats_the_stored_decision_without_holding_twice() -> None:
    repo = MemoryInventory(A=5)
    await handlers.reserve_stock(reserve("o1", ("A", 2)), repo=repo)
    [again, _] = await handlers.reserve_stock(reserve("o1", ("A", 2)), repo=repo)
    assert isinstance(again, StockReserved)
    assert repo.stock["A"].reserved == 2


async def test_lines_of_one_sku_are_merged() -> None:
    repo = MemoryInventory(A=3)
    [event, _] = await handlers.reserve_stock(reserve("o1", ("A", 2), ("A", 2)), repo=repo)
    assert isinstance(event, StockRejected)
    assert repo.stock["A"].reserved == 0


async def test_release_closes_the_reservation_so_a_late_reserve_holds_nothing() -> None:
    repo = MemoryInventory(A=5)
    await handlers.reserve_stock(reserve("o1", ("A", 2)), repo=repo)
    lines = [StockLine(sku="A", qty=2)]
    await handlers.release_stock(
        ReleaseStock(correlation_id="o1", order_key="o1", lines=lines, reason="x"), repo=repo
    )
    [late, _] = await handlers.reserve_stock(reserve("o1", ("A", 2)), repo=repo)
    assert isinstance(late, StockRejected)
    assert (repo.stock["A"].reserved, repo.stock["A"].available) == (0, 5)


async def test_commit_takes_units_out_once() -> None:
    repo = MemoryInventory(A=5)
    await handlers.reserve_stock(reserve("o1", ("A", 2)), repo=repo)
    commit = CommitStock(
        correlation_id="o1", order_key="o1", sub_order_id="so1", lines=[StockLine(sku="A", qty=2)]
    )
    await handlers.commit_stock(commit, repo=repo)
    [changed] = await handlers.commit_stock(commit, repo=repo)
    assert (changed.skus, changed.cause) == (["A"], "commit:so1")
    row = repo.stock["A"]
    assert (row.on_hand, row.reserved, row.available) == (3, 0, 3)
