"""The stock arithmetic and the per-SKU invariants the audit checks."""

from __future__ import annotations

from workers.inventory.memory import SEEDED_AT
from workers.inventory.model import Hold, StockRecord, available, shortfall


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
