"""The ceilings: the burst's command mix as the store replays it, and the binding ceiling."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bench.ceilings import combine
from bench.store_ceiling import Mix


def test_mix_reads_command_and_collection_and_drops_the_rest() -> None:
    mix = Mix.of({"insert orders": 1.0, "findAndModify stock": 2.0, "endSessions None": 0.5, "ping": 1.0})
    assert mix.per_order == {("insert", "orders"): 1.0, ("findAndModify", "stock"): 2.0}
    assert mix.commands_per_order == 3.0


def test_slots_keep_the_mix_proportions() -> None:
    mix = Mix.of({"insert orders": 1.0, "findAndModify stock": 2.0, "find skus": 0.001})
    slots = Counter(Mix.slots(mix))
    assert slots[("findAndModify", "stock")] == 2 * slots[("insert", "orders")]
    assert slots[("find", "skus")] == 1  # a rare command is still replayed


def _broker(published: float, consumed: float) -> dict[str, Any]:
    return {"published_per_second": published, "consumed_per_second": consumed}


def test_the_binding_ceiling_is_the_lower_resource() -> None:
    store = {"orders_per_second": 40.0}
    ceilings = combine(store, _broker(1000.0, 800.0), messages_per_order=5.0, routed_per_second=30.0)
    assert ceilings["broker"]["orders_per_second"] == 160.0  # the slower of publish and consume
    assert (ceilings["binding"], ceilings["binding_orders_per_second"]) == ("store", 40.0)
    assert ceilings["routed_share"] == 0.75


def test_the_broker_can_bind() -> None:
    ceilings = combine({"orders_per_second": 400.0}, _broker(100.0, 200.0), 5.0, 10.0)
    assert (ceilings["binding"], ceilings["binding_orders_per_second"], ceilings["routed_share"]) == (
        "broker",
        20.0,
        0.5,
    )


def test_no_share_without_a_routed_rate() -> None:
    assert combine({"orders_per_second": 40.0}, _broker(10.0, 10.0), 5.0, None)["routed_share"] is None
