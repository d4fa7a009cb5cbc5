"""After-sale stock against the in-memory twin: part of a hold released once, the rest shipped
whatever order the two arrive in, returned units restocked once."""

from __future__ import annotations

from schemas.after_sale import ReleaseStockUnits, RestockUnits
from schemas.common import StockLine
from tests.unit.inventory.test_reservations import commit, levels, reserve
from workers.inventory import handlers
from workers.inventory.memory import MemoryInventory


def release_units(key: str, release_id: str, *lines: tuple[str, int]) -> ReleaseStockUnits:
    stock_lines = [StockLine(sku=s, qty=q) for s, q in lines]
    return ReleaseStockUnits(correlation_id=key, order_key=key, release_id=release_id, lines=stock_lines)


def restock(restock_id: str, *lines: tuple[str, int]) -> RestockUnits:
    stock_lines = [StockLine(sku=s, qty=q) for s, q in lines]
    return RestockUnits(correlation_id=restock_id, restock_id=restock_id, lines=stock_lines)


async def test_part_of_a_hold_is_released_once() -> None:
    repo = MemoryInventory(A=5)
    await handlers.reserve_stock(reserve("o1", ("A", 3)), repo=repo)
    await handlers.release_units(release_units("o1", "r1", ("A", 1)), repo=repo)
    await handlers.release_units(release_units("o1", "r1", ("A", 1)), repo=repo)
    assert levels(repo, "A") == (5, 2, 3)
    await handlers.release_units(release_units("o1", "r2", ("A", 1)), repo=repo)
    assert levels(repo, "A") == (5, 1, 4)
    assert repo.stock["A"].violations() == []


async def test_release_then_ship_and_ship_then_release_end_alike() -> None:
    first, second = MemoryInventory(A=5), MemoryInventory(A=5)
    for repo in (first, second):
        await handlers.reserve_stock(reserve("o1", ("A", 3)), repo=repo)
    await handlers.release_units(release_units("o1", "r1", ("A", 1)), repo=first)
    await handlers.commit_stock(commit("o1", "so1", ("A", 2)), repo=first)
    await handlers.commit_stock(commit("o1", "so1", ("A", 2)), repo=second)
    await handlers.release_units(release_units("o1", "r1", ("A", 1)), repo=second)
    await handlers.commit_stock(commit("o1", "so1", ("A", 2)), repo=second)  # a repeat
    assert levels(first, "A") == levels(second, "A") == (3, 0, 3)
    assert first.held("A") == second.held("A") == {}


async def test_returned_units_are_restocked_once_per_return() -> None:
    repo = MemoryInventory(A=5)
    await handlers.restock(restock("rt1", ("A", 2)), repo=repo)
    await handlers.restock(restock("rt1", ("A", 2)), repo=repo)
    assert levels(repo, "A") == (7, 0, 7)
    await handlers.restock(restock("rt2", ("A", 1)), repo=repo)
    assert (repo.stock["A"].on_hand, repo.stock["A"].restocked) == (8, 3)
    assert await handlers.restock(restock("rt3", ("GHOST", 1)), repo=repo)
    assert "GHOST" not in repo.stock
