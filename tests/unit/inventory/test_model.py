"""The stock arithmetic and the per-SKU invariants the audit checks."""

from __future__ import annotations

from schemas.common import StockLine
from workers.inventory.memory import SEEDED_AT
from workers.inventory.model import (
    CLOSE_KEY,
    Hold,
    Reservation,
    ReservationState,
    StockRecord,
    Take,
    available,
    shortfall,
)


def record(on_hand: int, reserved: int, available: int, *holds: tuple[str, int]) -> StockRecord:
    return StockRecord(
        sku="A",
        supplier_id="sup",
        on_hand=on_hand,
        reserved=reserved,
        available=available,
        holds=[Hold(order_key=o, qty=q) for o, q in holds],
        synced_at=SEEDED_AT,
    )


def test_available_and_shortfall_never_go_negative() -> None:
    assert [(available(5, 2), shortfall(5, 2)), (available(1, 4), shortfall(1, 4))] == [(3, 0), (0, 3)]


def test_a_consistent_record_breaks_nothing() -> None:
    assert record(5, 3, 2, ("o1", 1), ("o2", 2)).violations() == []
    assert record(1, 3, 0, ("o1", 3)).violations() == []


def test_each_broken_invariant_is_named() -> None:
    assert record(5, 2, 3).violations() == ["reserved 2 != open holds 0"]
    assert record(5, -1, 5).violations() == [
        "reserved -1 < 0",
        "reserved -1 != open holds 0",
        "available 5 != max(0, on_hand - reserved)",
    ]


def test_a_hold_and_its_release_keep_the_counts_consistent() -> None:
    held = record(5, 0, 5).with_hold("o1", 2)
    assert (held.reserved, held.available, held.holds) == (2, 3, [Hold(order_key="o1", qty=2)])
    released = held.released("o1")
    assert (released.reserved, released.available, released.holds) == (0, 5, [])


def test_stored_documents_keep_their_short_keys() -> None:
    doc = record(5, 2, 3, ("o1", 2)).model_dump(by_alias=True)
    assert (doc["_id"], doc["holds"]) == ("A", [{"o": "o1", "q": 2}])
    assert StockRecord.model_validate(doc) == record(5, 2, 3, ("o1", 2))


def test_settling_moves_holds_into_the_counter_and_reserved_stays() -> None:
    settled = record(9, 5, 4, ("o1", 2), ("o2", 3)).with_settled({"o1", "o9"})
    assert (settled.holds, settled.settled, settled.reserved, settled.available) == (
        [Hold(order_key="o2", qty=3)],
        2,
        5,
        4,
    )
    assert settled.violations() == []


def test_a_take_comes_off_the_hold_while_there_is_one_else_off_settled_and_only_once() -> None:
    stock = record(9, 5, 4, ("o1", 2)).model_copy(update={"settled": 3})
    shipped = stock.taken("o1", Take(key="commit:s1", sku="A", qty=1), shipped=True)
    assert (shipped.on_hand, shipped.reserved, shipped.holds, shipped.settled) == (
        8,
        4,
        [Hold(order_key="o1", qty=1)],
        3,
    )
    released = shipped.taken("o2", Take(key="close", sku="A", qty=3), shipped=False)
    assert (released.on_hand, released.reserved, released.settled, released.marks) == (
        8,
        1,
        0,
        ["o1|commit:s1", "o2|close"],
    )
    assert released.taken("o2", Take(key="close", sku="A", qty=3), shipped=False) is released
    assert released.unmarked("o2|close").marks == ["o1|commit:s1"]
    assert released.violations() == []


def test_a_negative_settled_count_is_named() -> None:
    assert record(5, -1, 6).model_copy(update={"settled": -1}).violations() == [
        "reserved -1 < 0",
        "settled -1 < 0",
    ]


def reservation(state: ReservationState, *attempts: str) -> Reservation:
    lines = [StockLine(sku="A", qty=3), StockLine(sku="B", qty=1)]
    return Reservation(order_key="o1", state=state, lines=lines, attempts=list(attempts))


def test_a_reservation_settles_once_reserved_with_no_run_left_and_stays_settled() -> None:
    assert reservation(ReservationState.PENDING, "r1").left("r1").settled is False
    assert reservation(ReservationState.RESERVED, "r1", "r2").left("r1").settled is False
    settled = reservation(ReservationState.RESERVED, "r1", "r2").left("r1").left("r2")
    assert (settled.settled, settled.attempts) == (True, [])
    assert settled.attempted("r3").left("r9").settled is True


def test_takes_spend_what_is_left_per_line_once_per_key_and_only_when_reserved() -> None:
    assert reservation(ReservationState.PENDING).taking("commit:s1", [StockLine(sku="A", qty=1)]) == []
    reserved = reservation(ReservationState.RESERVED)
    first = reserved.with_takes(reserved.taking("release:r1", [StockLine(sku="A", qty=2)]))
    wanted = [StockLine(sku="A", qty=5), StockLine(sku="B", qty=1), StockLine(sku="C", qty=1)]
    assert first.taking("commit:s1", wanted) == [
        Take(key="commit:s1", sku="A", qty=1),
        Take(key="commit:s1", sku="B", qty=1),
    ]
    assert first.taking("release:r1", [StockLine(sku="A", qty=1)]) == []
    assert (first.remaining("A"), first.version) == (1, 1)


def test_closing_a_reserved_order_takes_back_all_it_still_holds() -> None:
    reserved = reservation(ReservationState.RESERVED)
    shipped = reserved.with_takes([Take(key="commit:s1", sku="B", qty=1, applied=True)])
    closed = shipped.released()
    assert (closed.state, closed.was_reserved) == (ReservationState.RELEASED, True)
    assert closed.takes_of(CLOSE_KEY) == [Take(key=CLOSE_KEY, sku="A", qty=3)]
    assert closed.released() == closed
    assert reservation(ReservationState.PENDING).released().was_reserved is False
