"""The binding ceiling: the lower of what the store and the broker allow, and the share of it."""

from __future__ import annotations

from typing import Any

from bench.ceilings import combine


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
