"""Holiday promotions price orders received inside their window, and only those."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.api import Api, Party, bearer
from tests.support.flows import scene, wait_status
from tests.support.system import System, eventually

PRICES = {"standard": 1200, "silver": 1100, "gold": 1000}


def at(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


async def promote(api: Api, items: list[tuple[str, dict[str, int]]], starts: str, ends: str) -> Any:
    body = {
        "name": "国庆大促",
        "starts_at": starts,
        "ends_at": ends,
        "items": [{"sku": sku, "tier_prices": prices} for sku, prices in items],
    }
    return await api.http.post("/v1/promotions", json=body, headers=api.admin)


async def routed_order(
    system: System, api: Api, shop: Any, order_id: str, lines: list[tuple[str, int]]
) -> Any:
    response = await api.place(shop, order_id, lines)
    assert response.status_code == 202, response.text
    return await wait_status(system, response.json()["order_key"], "routed")


async def balance_is(api: Api, merchant: Party, amount: int) -> bool:
    return (await api.wallet(merchant))["balance"] == amount


async def test_an_order_inside_the_window_pays_the_promotional_price_one_outside_does_not(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=10, funds=10_000)
    later_sku = await api.listed_sku(s.supplier, stock=10, prices=PRICES)
    await eventually(lambda: _on_hand(api, later_sku, 10), what="stock visible")
    now_promo = await api.ok(await promote(api, [(s.sku, {"standard": 900})], at(hours=-1), at(hours=1)), 201)
    future = await api.ok(await promote(api, [(later_sku, {"standard": 500})], at(days=1), at(days=2)), 201)
    assert (now_promo["status"], future["status"]) == ("active", "scheduled")

    inside = await routed_order(system, api, s.shop, "PROMO-IN", [(s.sku, 2)])
    assert [(ln["unit_cost"], ln.get("promotion_id")) for ln in inside["lines"]] == [(900, now_promo["id"])]
    assert (inside["total_cost"], inside["charged"]) == (1800, 1800)

    outside = await routed_order(system, api, s.shop, "PROMO-OUT", [(later_sku, 1)])
    assert [(ln["unit_cost"], ln.get("promotion_id")) for ln in outside["lines"]] == [(1200, None)]
    assert outside["charged"] == 1200

    await eventually(lambda: balance_is(api, s.merchant, 10_000 - 1800 - 1200), what="both debits")
    debits = [e["amount"] for e in (await api.wallet(s.merchant))["entries"] if e["kind"] == "order_debit"]
    assert sorted(debits) == [-1800, -1200]


async def test_a_sku_in_an_overlapping_promotion_is_409_and_nothing_is_stored(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=1, funds=0)
    other = await api.listed_sku(s.supplier, stock=1, prices=PRICES)
    first = await api.ok(await promote(api, [(s.sku, {"gold": 800})], at(hours=1), at(hours=3)), 201)

    clash = await promote(api, [(other, {"gold": 700}), (s.sku, {"standard": 1})], at(hours=2), at(hours=4))
    assert clash.status_code == 409
    assert clash.json()["error"]["message"] == (
        f"items.1.sku: {s.sku!r} is in promotion {first['id']} during this window"
    )
    assert await system.db["promotions"].count_documents({"skus": other}) == 0
    assert (await system.db["promotion_skus"].find_one({"_id": other}))["windows"] == []
    windows = (await system.db["promotion_skus"].find_one({"_id": s.sku}))["windows"]
    assert [w["promotion_id"] for w in windows] == [first["id"]]

    # Windows are half-open: one may start the moment the other ends.
    adjacent = await promote(api, [(s.sku, {"gold": 700})], first["ends_at"], at(hours=5))
    assert adjacent.status_code == 201, adjacent.text


async def test_ending_a_promotion_makes_later_orders_pay_normal_prices(system: System, api: Api) -> None:
    s = await scene(api, stock=10, funds=10_000)
    promo = await api.ok(await promote(api, [(s.sku, {"standard": 900})], at(hours=-1), at(days=1)), 201)
    before = await routed_order(system, api, s.shop, "END-1", [(s.sku, 1)])
    assert before["lines"][0]["unit_cost"] == 900

    ended = await api.ok(await api.http.post(f"/v1/promotions/{promo['id']}/end", headers=api.admin), 200)
    assert ended["status"] == "ended"
    assert ended["ends_at"] == ended["ended_at"]
    after = await routed_order(system, api, s.shop, "END-2", [(s.sku, 1)])
    assert [(ln["unit_cost"], ln.get("promotion_id")) for ln in after["lines"]] == [(1200, None)]
    await eventually(lambda: balance_is(api, s.merchant, 10_000 - 900 - 1200), what="both debits")

    again = await api.http.post(f"/v1/promotions/{promo['id']}/end", headers=api.admin)
    assert (again.status_code, again.json()["ends_at"]) == (200, ended["ends_at"])
    fetched = await api.ok(await api.http.get(f"/v1/promotions/{promo['id']}", headers=api.admin), 200)
    assert (fetched["status"], fetched["ends_at"]) == ("ended", ended["ends_at"])
    active = await api.ok(
        await api.http.get("/v1/promotions", params={"active_at": at(), "limit": 500}, headers=api.admin), 200
    )
    assert promo["id"] not in [p["id"] for p in active["items"]]


async def test_ending_a_promotion_before_its_start_means_it_never_prices(system: System, api: Api) -> None:
    s = await scene(api, stock=1, funds=0)
    promo = await api.ok(await promote(api, [(s.sku, {"standard": 900})], at(days=1), at(days=2)), 201)
    ended = await api.ok(await api.http.post(f"/v1/promotions/{promo['id']}/end", headers=api.admin), 200)
    assert (ended["status"], ended["ends_at"]) == ("ended", promo["starts_at"])
    assert (await system.db["promotion_skus"].find_one({"_id": s.sku}))["windows"] == []


async def test_list_by_active_at_and_get(api: Api) -> None:
    s = await scene(api, stock=1, funds=0)
    promo = await api.ok(await promote(api, [(s.sku, {"gold": 800})], at(days=10), at(days=11)), 201)
    listed = await api.http.get(
        "/v1/promotions", params={"active_at": at(days=10, hours=1)}, headers=api.admin
    )
    assert promo["id"] in [p["id"] for p in (await api.ok(listed, 200))["items"]]
    now = await api.http.get("/v1/promotions", params={"active_at": at(), "limit": 500}, headers=api.admin)
    assert promo["id"] not in [p["id"] for p in (await api.ok(now, 200))["items"]]
    got = await api.ok(await api.http.get(f"/v1/promotions/{promo['id']}", headers=api.admin), 200)
    assert got == {**promo, "status": "scheduled"}
    assert got["items"] == [{"sku": s.sku, "tier_prices": {"gold": 800}}]
    missing = await api.http.get("/v1/promotions/promo_nope", headers=api.admin)
    assert missing.status_code == 404


async def test_invalid_promotions_are_422_naming_the_field_and_store_nothing(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=1, funds=0)
    cases = [
        ([(s.sku, {"standard": 900})], at(hours=2), at(hours=1), "ends_at: must be after starts_at"),
        ([(s.sku, {"standard": 0})], at(hours=1), at(hours=2), "items.0.tier_prices.standard:"),
        ([("NO-SUCH-SKU", {"standard": 9})], at(hours=1), at(hours=2), "items.0.sku: no SKU 'NO-SUCH-SKU'"),
        ([(s.sku, {"platinum": 9})], at(hours=1), at(hours=2), "items.0.tier_prices.platinum:"),
        ([(s.sku, {"gold": 9})], "2026-10-01T00:00:00", at(hours=2), "starts_at:"),
    ]
    for items, starts, ends, message in cases:
        response = await promote(api, items, starts, ends)
        assert response.status_code == 422, (message, response.text)
        assert response.json()["error"]["message"].startswith(message)
    assert await system.db["promotions"].count_documents({"skus": s.sku}) == 0
    forbidden = await api.http.post("/v1/promotions", json={}, headers=bearer(s.merchant.key))
    assert forbidden.status_code == 403


async def _on_hand(api: Api, sku: str, stock: int) -> bool:
    return (await api.sku(sku))["on_hand"] == stock
