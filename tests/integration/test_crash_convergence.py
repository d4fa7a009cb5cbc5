"""A handler that stored its change and died before publishing is completed by the redelivery."""

from __future__ import annotations

import pytest

from tests.support.api import Api
from tests.support.flows import scene, wait_status
from tests.support.system import System, eventually


@pytest.mark.parametrize(
    "point",
    [
        "order.order.place.before_publish",
        # the reservation sends the order's debit on: a crash here loses that publish
        "inventory.inventory.reserve.before_publish",
        "wallet.wallet.debit.before_publish",
        "order.wallet.debited.before_publish",
    ],
)
async def test_crash_between_store_and_publish_converges(system: System, api: Api, point: str) -> None:
    s = await scene(api, stock=5, funds=10_000, price=1000)
    fired_before = system.faults.fired[point]
    system.faults.arm(point)

    key = (await api.place(s.shop, f"CRASH-{point}", [(s.sku, 2)])).json()["order_key"]
    order = await wait_status(system, key, "routed")
    # The last step's fault fires just after its write, which the poll above may see first.
    await eventually(lambda: _fired(system, point, fired_before + 1), what=f"{point} fired")

    assert system.faults.fired[point] == fired_before + 1
    assert [e["type"] for e in order["events"]] == ["received", "reserved", "paid", "routed"]
    debits = await system.db["ledger"].find({"merchant_id": s.merchant.id, "kind": "order_debit"}).to_list()
    assert [d["amount"] for d in debits] == [-2000]
    assert (await api.wallet(s.merchant))["balance"] == 8000
    stock = await api.sku(s.sku)
    assert (stock["reserved"], stock["available"]) == (2, 3)
    assert await system.db["sub_orders"].count_documents({"order_key": key}) == 1


async def _fired(system: System, point: str, times: int) -> bool:
    return system.faults.fired[point] >= times
