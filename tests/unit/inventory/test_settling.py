"""The queue of settled holds a process still has to move: a hold of the SKU carries them all,
the sweep only those that waited a whole sweep."""

from __future__ import annotations

from workers.inventory.repository import Settling


def test_a_hold_carries_everything_queued_for_its_sku_once() -> None:
    settling = Settling()
    settling.add("o1", ["A", "B"])
    settling.claim_waiting()  # o1 has now waited one sweep
    settling.add("o2", ["A"])
    assert settling.claim("A") == ["o1", "o2"]
    assert settling.claim("A") == []
    assert settling.claim("B") == ["o1"]


def test_the_sweep_moves_only_what_waited_since_the_sweep_before() -> None:
    settling = Settling()
    settling.add("o1", ["A"])
    assert settling.claim_waiting() == {}
    settling.add("o2", ["A", "B"])
    assert settling.claim_waiting() == {"A": ["o1"]}
    assert settling.claim_waiting() == {"A": ["o2"], "B": ["o2"]}
    assert settling.claim_waiting() == {}


def test_what_a_failed_write_claimed_is_queued_again() -> None:
    settling = Settling()
    settling.add("o1", ["A"])
    claimed = settling.claim("A")
    settling.restore("A", claimed)
    settling.restore("B", [])
    assert (settling.claim("A"), settling.claim("B")) == (["o1"], [])
