"""No funds: the order waits with stock held, resumes on top-up, or expires and releases."""

from __future__ import annotations

from tests.conftest import FUNDS_HOLD_SECONDS
from tests.support.api import Api
from tests.support.flows import scene, wait_status
from tests.support.system import System, eventually


async def test_top_up_resumes_waiting_orders_oldest_first(system: System, api: Api) -> None:
    s = await scene(api, stock=10, funds=0, price=1000)
    first = (await api.place(s.shop, "WAIT-1", [(s.sku, 2)])).json()["order_key"]
    waiting = await wait_status(system, first, "awaiting_funds")
    second = (await api.place(s.shop, "WAIT-2", [(s.sku, 3)])).json()["order_key"]
    await wait_status(system, second, "awaiting_funds")
    assert waiting["reason"] is None
    assert (await api.sku(s.sku))["reserved"] == 5

    await api.top_up(s.merchant, 2000)  # enough for the older order only
    routed = await wait_status(system, first, "routed")
    assert [e["type"] for e in routed["events"]] == [
        "received",
        "reserved",
        "awaiting_funds",
        "paid",
        "routed",
    ]
    assert (await system.db["orders"].find_one({"_id": second}))["status"] == "awaiting_funds"
    await api.top_up(s.merchant, 3000)
    await wait_status(system, second, "routed")
    wallet = await api.wallet(s.merchant)
    assert wallet["balance"] == 0
    assert [e["kind"] for e in wallet["entries"]] == ["order_debit", "top_up", "order_debit", "top_up"]


async def test_unfunded_order_expires_and_releases_stock(system: System, api: Api) -> None:
    s = await scene(api, stock=4, funds=0)
    key = (await api.place(s.shop, "EXPIRE-1", [(s.sku, 3)])).json()["order_key"]
    await wait_status(system, key, "awaiting_funds")
    assert (await api.sku(s.sku))["available"] == 1

    rejected = await wait_status(system, key, "rejected", within=FUNDS_HOLD_SECONDS + 20)
    assert rejected["reason"] == "insufficient_funds"
    # The release is a command the expiry publishes after the rejection is stored.
    await eventually(lambda: _stock_is(api, s.sku, reserved=0, available=4), what="stock released")
    assert (await api.wallet(s.merchant))["entries"] == []


async def _stock_is(api: Api, sku: str, *, reserved: int, available: int) -> bool:
    stock = await api.sku(sku)
    return (stock["reserved"], stock["available"]) == (reserved, available)
