"""Merchants browse listed products at their own tier cost, with stock and active promotions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.api import Api, Party, bearer
from tests.support.flows import scene, wait_status
from tests.support.system import System, eventually
from workers.catalog.model import listed_key

PRICES = {"standard": 1200, "silver": 1100, "gold": 1000}


async def browse(api: Api, merchant: Party, **params: Any) -> list[dict[str, Any]]:
    """Every page, in order."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": 100, **({"cursor": cursor} if cursor else {})}
        response = await api.http.get("/v1/merchant/products", params=query, headers=bearer(merchant.key))
        data = await api.ok(response, 200)
        items += data["items"]
        if (cursor := data["next_cursor"]) is None:
            return items


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


async def product_of(api: Api, sku: str) -> str:
    return str((await api.sku(sku))["product_id"])


async def test_each_merchant_sees_its_own_tier_cost_stock_and_promotion_and_no_delisted(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=7, funds=10_000, price=1200)
    shown = await api.listed_sku(s.supplier, stock=4, prices=PRICES)
    hidden = await api.listed_sku(s.supplier, stock=4, prices=PRICES)
    hidden_id = await product_of(api, hidden)
    await api.ok(await api.http.post(f"/v1/products/{hidden_id}/delist", headers=api.admin), 200)
    gold = await api.merchant(tier="gold")
    starts, ends = datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=1)
    promo_body = {
        "name": "双十一",
        "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
        "items": [{"sku": shown, "tier_prices": {"gold": 800}}],
    }
    promo = await api.ok(await api.http.post("/v1/promotions", json=promo_body, headers=api.admin), 201)
    key = (await api.place(s.shop, "BROWSE-1", [(s.sku, 2)])).json()["order_key"]
    await wait_status(system, key, "routed")
    await eventually(lambda: _on_hand(api, shown, 4), what="stock visible")

    standard_view, gold_view = by_id(await browse(api, s.merchant)), by_id(await browse(api, gold))
    assert hidden_id not in standard_view
    assert hidden_id not in gold_view
    scene_id, shown_id = await product_of(api, s.sku), await product_of(api, shown)
    assert standard_view[scene_id]["skus"] == [
        {"sku": s.sku, "specs": {"颜色": "红"}, "cost": 1200, "promotion": None, "available": 5}
    ]
    assert [(x["cost"], x["promotion"], x["available"]) for x in standard_view[shown_id]["skus"]] == [
        (1200, None, 4)
    ]
    assert [(x["cost"], x["promotion"], x["available"]) for x in gold_view[shown_id]["skus"]] == [
        (1000, {"id": promo["id"], "cost": 800, "ends_at": promo["ends_at"]}, 4)
    ]
    assert gold_view[shown_id]["supplier_id"] == s.supplier.id

    # The general product list gives a merchant the same SKU view (API.md: own tier cost, stock).
    listed = await api.http.get(
        "/v1/products", params={"supplier_id": s.supplier.id}, headers=bearer(gold.key)
    )
    listed_view = by_id((await api.ok(listed, 200))["items"])
    assert hidden_id not in listed_view
    assert listed_view[shown_id]["skus"] == gold_view[shown_id]["skus"]


async def test_new_arrivals_are_products_first_listed_in_the_last_n_days_newest_first(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=1, funds=0)
    newer = await api.listed_sku(s.supplier, stock=1, prices=PRICES)
    old_id, new_id = await product_of(api, s.sku), await product_of(api, newer)
    # Given a product first listed ten days ago (the clock cannot be moved through the API).
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    await system.db["products"].update_one(
        {"_id": old_id},
        {"$set": {"listed_at": ten_days_ago, "listed_key": listed_key(ten_days_ago, old_id)}},
    )
    pending = await api.http.post(
        "/v1/supplier/products",
        headers=bearer(s.supplier.key),
        json={
            "name": "待审",
            "category": "家居",
            "brand": "聚合",
            "skus": [{"sku": f"{newer}-P", "tier_prices": PRICES, "settlement_price": 700}],
        },
    )
    pending_id = (await api.ok(pending, 201))["id"]

    arrivals = await browse(api, s.merchant, listed_since_days=7)
    ids = [item["id"] for item in arrivals]
    assert new_id in ids
    assert old_id not in ids
    assert pending_id not in ids
    listed = [datetime.fromisoformat(item["listed_at"]) for item in arrivals]
    assert listed == sorted(listed, reverse=True)
    assert old_id in by_id(await browse(api, s.merchant))

    # A delist and relist keeps the first listing moment: it is not a new arrival again.
    first = by_id(arrivals)[new_id]["listed_at"]
    for action in ("delist", "relist"):
        await api.ok(await api.http.post(f"/v1/products/{new_id}/{action}", headers=api.admin), 200)
    assert by_id(await browse(api, s.merchant, listed_since_days=7))[new_id]["listed_at"] == first


async def test_browse_is_for_merchants_and_days_are_bounded(api: Api) -> None:
    merchant = await api.merchant()
    assert (await api.http.get("/v1/merchant/products", headers=api.admin)).status_code == 403
    bad = await api.http.get(
        "/v1/merchant/products", params={"listed_since_days": 0}, headers=bearer(merchant.key)
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["message"].startswith("listed_since_days:")


async def _on_hand(api: Api, sku: str, stock: int) -> bool:
    return (await api.sku(sku))["on_hand"] == stock
