"""Coupons on the real broker and store: the best of three coupons, one single-use coupon under
50 concurrent orders, an exhausted budget refusing the next issue and redemption, and an order
rejected for funds giving its coupon and the budget back."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.api import Api, Party, address, bearer, unique
from tests.support.flows import Scene, scene, wait_status
from tests.support.system import System, eventually
from workers.accounts.queries import AccountsQueries

PRICE = 1200


async def channel(api: Api, budget: int) -> str:
    body = {"id": unique("juhe-own").lower(), "name": "聚合补贴", "budget": budget}
    created = await api.ok(await api.http.post("/v1/coupon-channels", json=body, headers=api.admin), 201)
    return str(created["id"])


async def template(api: Api, channel_id: str, terms: dict[str, Any], **fields: Any) -> str:
    body = {"channel_id": channel_id, "name": "满减券", "terms": terms, "quantity": 100, "valid_days": 7}
    response = await api.http.post("/v1/coupon-templates", json={**body, **fields}, headers=api.admin)
    return str((await api.ok(response, 201))["id"])


async def issue(api: Api, template_id: str, merchant: Party, status: int = 201) -> dict[str, Any]:
    url = f"/v1/coupon-templates/{template_id}/issues"
    response = await api.http.post(url, json={"merchant_id": merchant.id}, headers=api.admin)
    result: dict[str, Any] = await api.ok(response, status)
    return result


async def channel_view(api: Api, channel_id: str) -> dict[str, Any]:
    result: dict[str, Any] = await api.ok(
        await api.http.get(f"/v1/coupon-channels/{channel_id}", headers=api.admin), 200
    )
    return result


async def my_coupons(api: Api, merchant: Party, status: str) -> list[dict[str, Any]]:
    response = await api.http.get(
        "/v1/merchant/coupons", params={"status": status}, headers=bearer(merchant.key)
    )
    items: list[dict[str, Any]] = (await api.ok(response, 200))["items"]
    return items


async def figures(api: Api, channel_id: str, **expected: int) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        view = await channel_view(api, channel_id)
        return view if all(view[k] == v for k, v in expected.items()) else None

    return await eventually(probe, what=f"channel {channel_id} at {expected}")


async def routed(system: System, api: Api, s: Scene, qty: int = 1) -> dict[str, Any]:
    key = (await api.place(s.shop, unique("CPN"), [(s.sku, qty)])).json()["order_key"]
    await wait_status(system, key, "routed")
    return await api.order(key)


async def test_the_best_of_three_coupons_is_used_largest_discount_then_earliest_expiry(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=10, funds=10_000, price=PRICE)
    ch = await channel(api, 100_000)
    small = await template(api, ch, {"kind": "amount", "amount_off": 300})
    percent = await template(
        api, ch, {"kind": "percent", "percent_off": 50, "max_discount": 500}, valid_days=10
    )
    soon = await template(api, ch, {"kind": "amount", "amount_off": 500}, valid_days=5)
    coupons = {t: (await issue(api, t, s.merchant))["id"] for t in (small, percent, soon)}

    order = await routed(system, api, s)

    assert (order["total_cost"], order["discount"], order["charged"]) == (PRICE, 500, 700)
    assert order["coupon_id"] == coupons[soon]
    await eventually(lambda: _balance_is(api, s.merchant, 10_000 - 700), what="net debit")
    view = await figures(api, ch, spent=500, redeemed=1)
    assert (view["issued"], view["locked"], view["remaining"], view["locked_amount"]) == (3, 0, 99_500, 0)
    assert [c["id"] for c in await my_coupons(api, s.merchant, "used")] == [coupons[soon]]
    assert sorted(c["id"] for c in await my_coupons(api, s.merchant, "available")) == sorted(
        [coupons[small], coupons[percent]]
    )


async def test_fifty_concurrent_orders_use_one_single_use_coupon_once(system: System, api: Api) -> None:
    s = await scene(api, stock=50, funds=100 * PRICE, price=PRICE)
    ch = await channel(api, 10_000)
    single = (await issue(api, await template(api, ch, {"kind": "amount", "amount_off": 400}), s.merchant))[
        "id"
    ]

    bodies = [(unique("RUSH"), [(s.sku, 1)]) for _ in range(50)]
    answers = await asyncio.gather(*(api.place(s.shop, oid, lines) for oid, lines in bodies))
    keys = [a.json()["order_key"] for a in answers]
    for key in keys:
        await wait_status(system, key, "routed", within=60)

    orders = [await api.order(key) for key in keys]
    discounted = [o for o in orders if o["discount"]]
    assert [(o["discount"], o["coupon_id"], o["charged"]) for o in discounted] == [(400, single, PRICE - 400)]
    assert all(o["charged"] == PRICE and "coupon_id" not in o for o in orders if not o["discount"])
    await eventually(lambda: _balance_is(api, s.merchant, 100 * PRICE - 50 * PRICE + 400), what="debits")
    view = await figures(api, ch, spent=400, redeemed=1)
    assert (view["remaining"], view["locked"], view["locked_amount"]) == (9_600, 0, 0)


async def test_an_exhausted_budget_refuses_the_next_issue_and_redemption(system: System, api: Api) -> None:
    first = await scene(api, stock=10, funds=10_000, price=PRICE)
    second = await shop_of(api, first, await api.merchant())
    ch = await channel(api, 1000)
    tpl = await template(api, ch, {"kind": "amount", "amount_off": 600})
    await issue(api, tpl, first.merchant)
    waiting = await issue(api, tpl, second.merchant)

    paid = await routed(system, api, first)
    assert (paid["discount"], paid["charged"]) == (600, PRICE - 600)
    await figures(api, ch, spent=600, remaining=400)

    refused = await issue(api, tpl, await api.merchant(), status=409)
    assert refused["error"]["code"] == "conflict"
    assert refused["error"]["message"].startswith("budget_exhausted")
    full = await routed(system, api, second)
    assert (full["discount"], full["charged"], full.get("coupon_id")) == (0, PRICE, None)
    assert [e["data"] for e in full["events"] if e["type"] == "no_coupon"] == [{"reason": "budget_exhausted"}]
    assert [c["id"] for c in await my_coupons(api, second.merchant, "available")] == [waiting["id"]]
    view = await figures(api, ch, spent=600, remaining=400)
    assert (view["issued"], view["redeemed"], view["locked_amount"]) == (2, 1, 0)


async def test_an_order_rejected_for_funds_gives_its_coupon_and_the_budget_back(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=10, funds=100, price=PRICE)
    ch = await channel(api, 5000)
    coupon = await issue(api, await template(api, ch, {"kind": "amount", "amount_off": 500}), s.merchant)

    key = (await api.place(s.shop, unique("POOR"), [(s.sku, 1)])).json()["order_key"]
    waiting = await wait_status(system, key, "awaiting_funds")
    assert (waiting["discount"], waiting["charged"], waiting["coupon_id"]) == (500, 700, coupon["id"])
    held = await channel_view(api, ch)
    assert (held["remaining"], held["locked_amount"], held["locked"]) == (4500, 500, 1)
    assert [c["id"] for c in await my_coupons(api, s.merchant, "locked")] == [coupon["id"]]

    await wait_status(system, key, "rejected")
    view = await figures(api, ch, remaining=5000, locked_amount=0)
    assert (view["spent"], view["locked"], view["redeemed"]) == (0, 0, 0)
    back = await eventually(lambda: my_coupons(api, s.merchant, "available"), what="coupon back")
    assert [(c["id"], c["order_key"], c["discount"]) for c in back] == [(coupon["id"], None, 0)]
    assert (await api.wallet(s.merchant))["balance"] == 100


async def shop_of(api: Api, s: Scene, merchant: Party) -> Scene:
    """Another funded merchant ordering the same SKU."""
    await api.top_up(merchant, 10_000)
    await eventually(lambda: _balance_is(api, merchant, 10_000), what="top-up")
    return Scene(s.supplier, merchant, await api.shop(merchant), s.sku)


async def _balance_is(api: Api, merchant: Party, balance: int) -> bool:
    return bool((await api.wallet(merchant))["balance"] == balance)


async def test_a_manual_order_uses_the_coupon_it_names_over_a_better_one(system: System, api: Api) -> None:
    s = await scene(api, stock=10, funds=10_000, price=PRICE)
    ch = await channel(api, 10_000)
    better = await issue(api, await template(api, ch, {"kind": "amount", "amount_off": 500}), s.merchant)
    named = await issue(api, await template(api, ch, {"kind": "amount", "amount_off": 200}), s.merchant)
    body = {
        "client_order_id": unique("M"),
        "lines": [{"sku": s.sku, "qty": 1, "unit_price": 1990}],
        "shipping_address": address(),
        "coupon_id": named["id"],
    }
    placed = await api.http.post("/v1/merchant/orders", json=body, headers=bearer(s.merchant.key))
    key = (await api.ok(placed, 202))["order_key"]
    await wait_status(system, key, "routed")
    order = await api.order(key)
    assert (order["discount"], order["charged"], order["coupon_id"]) == (200, PRICE - 200, named["id"])
    assert [c["id"] for c in await my_coupons(api, s.merchant, "available")] == [better["id"]]

    taken = {**body, "client_order_id": unique("M")}
    refused = await api.http.post("/v1/merchant/orders", json=taken, headers=bearer(s.merchant.key))
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == "coupon_id: not an available coupon of yours"


async def test_a_fan_out_to_a_list_issues_each_merchant_once_within_the_quantity(api: Api) -> None:
    merchants = [await api.merchant() for _ in range(3)]
    ch = await channel(api, 10_000)
    tpl = await template(api, ch, {"kind": "amount", "amount_off": 100}, quantity=2)
    body = {"merchant_ids": [m.id for m in merchants]}
    done = await fan_out(api, tpl, body, expected=3)
    assert (done["issued"], done["refused"], list(done["refusals"].values())) == (2, 1, ["sold_out"])
    holders = [m for m in merchants if await my_coupons(api, m, "available")]
    assert len(holders) == 2
    view = await channel_view(api, ch)
    assert (view["issued"], view["spent"], view["remaining"]) == (2, 0, 10_000)


async def test_a_fan_out_to_a_tier_reaches_every_merchant_of_it_once(system: System, api: Api) -> None:
    mine = [await api.merchant("gold") for _ in range(3)]
    everyone = await AccountsQueries(system.db).merchant_ids_of_tier("gold", None, 100_000)
    ch = await channel(api, 10_000)
    tpl = await template(api, ch, {"kind": "amount", "amount_off": 100}, quantity=100_000)
    done = await fan_out(api, tpl, {"tier": "gold"}, expected=len(everyone))
    assert (done["issued"], done["refused"]) == (len(everyone), 0)
    assert [len(await my_coupons(api, m, "available")) for m in mine] == [1, 1, 1]


async def fan_out(api: Api, template_id: str, body: dict[str, Any], expected: int) -> dict[str, Any]:
    """Fan out twice with one issue id (the repeat issues nothing more); the finished report."""
    url = f"/v1/coupon-templates/{template_id}/fan-outs"
    accepted = await api.ok(await api.http.post(url, json=body, headers=api.admin), 202)
    again = {**body, "issue_id": accepted["issue_id"]}
    assert await api.ok(await api.http.post(url, json=again, headers=api.admin), 202) == accepted

    async def report() -> dict[str, Any] | None:
        response = await api.http.get(f"/v1/coupon-issues/{accepted['issue_id']}", headers=api.admin)
        view: dict[str, Any] = await api.ok(response, 200)
        return view if view["issued"] + view["refused"] == expected else None

    return await eventually(report, what="fan-out done")


async def test_a_merchant_claims_a_published_template_up_to_its_limit(api: Api) -> None:
    merchant = await api.merchant()
    ch = await channel(api, 10_000)
    hidden = await template(api, ch, {"kind": "amount", "amount_off": 100})
    shown = await template(
        api, ch, {"kind": "amount", "amount_off": 100}, published=True, per_merchant_limit=2
    )
    as_merchant = bearer(merchant.key)

    async def claim(template_id: str, claim_id: str, status: int) -> dict[str, Any]:
        url = f"/v1/merchant/coupon-templates/{template_id}/claims"
        result: dict[str, Any] = await api.ok(
            await api.http.post(url, json={"claim_id": claim_id}, headers=as_merchant), status
        )
        return result

    listed = await api.ok(await api.http.get("/v1/merchant/coupon-templates", headers=as_merchant), 200)
    assert shown in [t["id"] for t in listed["items"]]
    assert hidden not in [t["id"] for t in listed["items"]]
    first = await claim(shown, "c1", 201)
    assert (await claim(shown, "c1", 201))["id"] == first["id"]
    second = await claim(shown, "c2", 201)
    assert (first["id"], second["id"]) == (f"{shown}:{merchant.id}:1", f"{shown}:{merchant.id}:2")
    limit = await claim(shown, "c3", 409)
    assert limit["error"]["message"].startswith("limit_reached")
    hidden_claim = await claim(hidden, "c4", 409)
    assert hidden_claim["error"]["message"].startswith("not_published")
    assert len(await my_coupons(api, merchant, "available")) == 2
