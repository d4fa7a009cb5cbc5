"""Inventory rules against the in-memory twin: all lines or none, one decision per order."""

from __future__ import annotations

import pytest

from schemas.commands import CommitStock, DebitWallet, ReleaseStock, ReserveStock, SyncStock, SyncStockItem
from schemas.common import StockLine
from schemas.events import SkuSelected, StockChanged, StockRejected, StockReserved
from workers.inventory import handlers
from workers.inventory.memory import MemoryInventory
from workers.inventory.model import Held, ReservationState


def reserve(key: str, *lines: tuple[str, int]) -> ReserveStock:
    return ReserveStock(correlation_id=key, order_key=key, lines=[StockLine(sku=s, qty=q) for s, q in lines])


def release(key: str, *lines: tuple[str, int]) -> ReleaseStock:
    stock_lines = [StockLine(sku=s, qty=q) for s, q in lines]
    return ReleaseStock(correlation_id=key, order_key=key, lines=stock_lines, reason="cancelled")


def commit(key: str, sub_order_id: str, *lines: tuple[str, int]) -> CommitStock:
    stock_lines = [StockLine(sku=s, qty=q) for s, q in lines]
    return CommitStock(correlation_id=key, order_key=key, sub_order_id=sub_order_id, lines=stock_lines)


def levels(repo: MemoryInventory, sku: str) -> tuple[int, int, int]:
    record = repo.stock[sku]
    return record.on_hand, record.reserved, record.available


async def test_all_lines_held_when_every_sku_has_stock() -> None:
    """No shop lists A or B: the holds are not announced."""
    repo = MemoryInventory(A=5, B=2)
    out = await handlers.reserve_stock(reserve("o1", ("A", 3), ("B", 2)), repo=repo)
    assert out == [StockReserved(correlation_id="o1", order_key="o1", occurred_at=out[0].occurred_at)]
    assert (repo.stock["A"].reserved, repo.stock["B"].reserved) == (3, 2)


async def test_only_the_skus_a_shop_lists_are_announced() -> None:
    repo = MemoryInventory(A=5, B=2)
    selected = SkuSelected(correlation_id="sel_1", sku="B")
    [announced] = await handlers.mark_selected(selected, repo=repo)
    assert announced == StockChanged(
        correlation_id="sel_1", skus=["B"], cause="selected:B", occurred_at=announced.occurred_at
    )
    out = await handlers.reserve_stock(reserve("o1", ("A", 3), ("B", 2)), repo=repo)
    assert out == [
        StockReserved(correlation_id="o1", order_key="o1", occurred_at=out[0].occurred_at),
        StockChanged(correlation_id="o1", skus=["B"], cause="reserve", occurred_at=out[1].occurred_at),
    ]
    assert (repo.stock["A"].selected, repo.stock["B"].selected) == (False, True)


async def test_a_sku_without_a_stock_record_cannot_be_marked_and_announces_nothing() -> None:
    repo = MemoryInventory(A=5)
    assert await handlers.mark_selected(SkuSelected(correlation_id="sel_1", sku="NEW"), repo=repo) == []
    assert "NEW" not in repo.stock


async def test_one_short_line_holds_nothing() -> None:
    """B lacks stock: A's hold is given back and the order is rejected naming B."""
    repo = MemoryInventory(A=5, B=1)
    [event] = await handlers.reserve_stock(reserve("o1", ("A", 3), ("B", 2)), repo=repo)
    assert isinstance(event, StockRejected)
    assert (event.reason, event.sku) == ("out_of_stock", "B")
    assert (repo.stock["A"].reserved, repo.held("A")) == (0, {})
    assert repo.stock["B"].reserved == 0


async def test_a_rejection_holds_nothing_anywhere_and_is_stored() -> None:
    """The short SKU is named; every SKU keeps all its units available; the decision is kept."""
    repo = MemoryInventory(A=5, B=5, C=1)
    [event] = await handlers.reserve_stock(reserve("o1", ("A", 1), ("B", 5), ("C", 2)), repo=repo)
    assert isinstance(event, StockRejected)
    assert (event.order_key, event.reason, event.sku) == ("o1", "out_of_stock", "C")
    assert [levels(repo, sku) for sku in "ABC"] == [(5, 0, 5), (5, 0, 5), (1, 0, 1)]
    assert [repo.held(sku) for sku in "ABC"] == [{}, {}, {}]
    assert repo.reservations["o1"].state is ReservationState.REJECTED


async def test_a_sku_without_stock_is_named_in_the_rejection() -> None:
    repo = MemoryInventory(A=5)
    [event] = await handlers.reserve_stock(reserve("o1", ("A", 1), ("NEW", 1)), repo=repo)
    assert isinstance(event, StockRejected)
    assert (event.reason, event.sku) == ("out_of_stock", "NEW")
    assert levels(repo, "A") == (5, 0, 5)
    assert "NEW" not in repo.stock


async def test_redelivery_repeats_the_stored_decision_without_holding_twice() -> None:
    repo = MemoryInventory(A=5)
    await handlers.reserve_stock(reserve("o1", ("A", 2)), repo=repo)
    [again, _] = await handlers.reserve_stock(reserve("o1", ("A", 2)), repo=repo)
    assert isinstance(again, StockReserved)
    assert repo.stock["A"].reserved == 2
    assert repo.held("A") == {"o1": 2}


async def test_a_redelivered_rejection_is_rejected_again_and_holds_nothing() -> None:
    """Stock arriving after the rejection does not turn a repeat of the order into a hold."""
    repo = MemoryInventory(A=1)
    await handlers.reserve_stock(reserve("o1", ("A", 2)), repo=repo)
    sync = SyncStock(
        correlation_id="s1", supplier_id="sup", sync_id="s1", items=[SyncStockItem(sku="A", on_hand=10)]
    )
    await handlers.sync_stock(sync, repo=repo)
    [again, _] = await handlers.reserve_stock(reserve("o1", ("A", 2)), repo=repo)
    assert isinstance(again, StockRejected)
    assert (again.reason, again.sku) == ("out_of_stock", "A")
    assert levels(repo, "A") == (10, 0, 10)


async def test_lines_of_one_sku_are_merged() -> None:
    repo = MemoryInventory(A=3)
    [event] = await handlers.reserve_stock(reserve("o1", ("A", 2), ("A", 2)), repo=repo)
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


async def test_release_gives_the_units_back_once() -> None:
    repo = MemoryInventory(A=5)
    await handlers.reserve_stock(reserve("o1", ("A", 2)), repo=repo)
    await handlers.reserve_stock(reserve("o2", ("A", 1)), repo=repo)
    [changed] = await handlers.release_stock(release("o1", ("A", 2)), repo=repo)
    await handlers.release_stock(release("o1", ("A", 2)), repo=repo)
    assert changed == StockChanged(
        correlation_id="o1", skus=["A"], cause="release", occurred_at=changed.occurred_at
    )
    assert levels(repo, "A") == (5, 1, 4)
    assert repo.held("A") == {"o2": 1}
    assert repo.reservations["o1"].state is ReservationState.RELEASED


async def test_release_after_a_rejection_changes_nothing_and_keeps_the_rejection() -> None:
    repo = MemoryInventory(A=5, B=1)
    await handlers.reserve_stock(reserve("o2", ("A", 1)), repo=repo)
    await handlers.reserve_stock(reserve("o1", ("A", 3), ("B", 2)), repo=repo)
    await handlers.release_stock(release("o1", ("A", 3), ("B", 2)), repo=repo)
    assert [levels(repo, "A"), levels(repo, "B")] == [(5, 1, 4), (1, 0, 1)]
    rejection = repo.reservations["o1"]
    assert (rejection.state, rejection.reason, rejection.sku) == (
        ReservationState.REJECTED,
        "out_of_stock",
        "B",
    )


async def test_releasing_a_reservation_never_made_changes_no_stock() -> None:
    """A release may overtake its reserve: it frees nothing, and the late reserve holds nothing."""
    repo = MemoryInventory(A=5)
    await handlers.reserve_stock(reserve("o1", ("A", 1)), repo=repo)
    [changed] = await handlers.release_stock(release("ghost", ("A", 2)), repo=repo)
    assert changed == StockChanged(
        correlation_id="ghost", skus=["A"], cause="release", occurred_at=changed.occurred_at
    )
    assert levels(repo, "A") == (5, 1, 4)
    assert repo.held("A") == {"o1": 1}
    [late, _] = await handlers.reserve_stock(reserve("ghost", ("A", 2)), repo=repo)
    assert isinstance(late, StockRejected)
    assert levels(repo, "A") == (5, 1, 4)


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


async def test_commit_on_shipment_drops_on_hand_and_reserved_of_that_order_only() -> None:
    repo = MemoryInventory(A=10, B=4)
    await handlers.reserve_stock(reserve("o1", ("A", 3), ("B", 4)), repo=repo)
    await handlers.reserve_stock(reserve("o2", ("A", 2)), repo=repo)
    await handlers.commit_stock(commit("o1", "so1", ("A", 3), ("B", 4)), repo=repo)
    assert [levels(repo, "A"), levels(repo, "B")] == [(7, 2, 5), (0, 0, 0)]
    assert repo.held("A") == {"o2": 2}


async def test_commit_of_an_order_that_holds_nothing_changes_nothing() -> None:
    repo = MemoryInventory(A=5)
    await handlers.reserve_stock(reserve("o1", ("A", 2)), repo=repo)
    await handlers.release_stock(release("o1", ("A", 2)), repo=repo)
    await handlers.commit_stock(commit("o1", "so1", ("A", 2)), repo=repo)
    assert levels(repo, "A") == (5, 0, 5)


async def test_a_reservation_carrying_the_debit_sends_it_on_instead_of_answering() -> None:
    repo = MemoryInventory(A=5, B=1)
    pay = DebitWallet(correlation_id="o1", order_key="o1", merchant_id="m1", amount=2400)
    held = reserve("o1", ("A", 2)).model_copy(update={"then_debit": pay})
    assert await handlers.reserve_stock(held, repo=repo) == [pay]
    again, _ = await handlers.reserve_stock(held, repo=repo)  # a redelivery sends it again
    assert again == pay
    assert repo.stock["A"].reserved == 2

    short = reserve("o2", ("B", 2)).model_copy(update={"then_debit": pay})
    [refused] = await handlers.reserve_stock(short, repo=repo)
    assert isinstance(refused, StockRejected)
    assert (refused.order_key, refused.sku) == ("o2", "B")


class FailingHold(MemoryInventory):
    """A store that fails the hold of SKU B while `away`, as a lost connection would."""

    away = True

    async def hold(self, sku: str, order_key: str, qty: int) -> Held | None:
        if sku == "B" and self.away:
            raise ConnectionError("store away")
        return await super().hold(sku, order_key, qty)


async def test_a_run_that_fails_ends_so_the_order_can_settle_without_it() -> None:
    repo = FailingHold(A=5, B=5)
    with pytest.raises(ConnectionError):
        await handlers.reserve_stock(reserve("o1", ("A", 1), ("B", 1)), repo=repo)
    failed = repo.reservations["o1"]
    assert (failed.state, failed.attempts, repo.held("A")) == (ReservationState.PENDING, [], {"o1": 1})

    repo.away = False  # the store is back: the message's redelivery completes the reservation
    [answer] = await handlers.reserve_stock(reserve("o1", ("A", 1), ("B", 1)), repo=repo)
    assert isinstance(answer, StockReserved)
    settled = repo.reservations["o1"]
    assert (settled.settled, settled.attempts) == (True, [])
    assert (repo.held("A"), repo.held("B")) == ({"o1": 1}, {"o1": 1})
    assert levels(repo, "A") == (5, 1, 4)
