"""Tiers are data: adding one reports unpriced SKUs, which its merchants cannot order, and
every new product or price change prices it from then on.

A tier added here is required of every later upload, so these tests run on a system of their
own (own namespace and database): the rest of the suite uploads with the configured tiers.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest

from juhe.settings import Settings
from tests.conftest import drop_database, settled_audit
from tests.support.api import Api, Party, bearer
from tests.support.flows import wait_status
from tests.support.system import System, delete_namespace, eventually, start_system
from workers.accounts.queries import AccountsQueries
from workers.accounts.repository import MongoAccountsRepository


@pytest.fixture(scope="module")
async def system(settings: Settings) -> AsyncIterator[System]:
    own = settings.model_copy(update={"namespace": f"{settings.namespace}_tiers"})
    try:
        async with AsyncExitStack() as stack:
            running = await start_system(own, stack)
            yield running
            assert await settled_audit(running.db) == []
            assert running.contract.undocumented() == []
    finally:  # a failed check above must not leave this system's queues or data behind
        await delete_namespace(own)
        await drop_database(own)


@pytest.fixture(scope="module")
def api(system: System) -> Api:
    return Api(system.http, system.settings.admin_token)


BASE_PRICES = {"standard": 1200, "silver": 1100, "gold": 1000}


async def _listed(api: Api, supplier: Party, sku: str, prices: dict[str, int], stock: int = 10) -> None:
    body = {
        "name": "保温杯",
        "category": "家居",
        "brand": "聚合",
        "skus": [{"sku": sku, "tier_prices": prices, "stock": stock, "settlement_price": 700}],
    }
    created = await api.ok(
        await api.http.post("/v1/supplier/products", json=body, headers=bearer(supplier.key)), 201
    )
    await api.ok(await api.http.post(f"/v1/products/{created['id']}/approve", headers=api.admin), 200)
    await eventually(lambda: _on_hand(api, sku, stock), what=f"{sku} stock")


async def _on_hand(api: Api, sku: str, stock: int) -> bool:
    return (await api.sku(sku))["on_hand"] == stock


async def _funded_shop(api: Api, tier: str, funds: int) -> Any:
    merchant = await api.merchant(tier=tier)
    shop = await api.shop(merchant)
    await api.top_up(merchant, funds)
    await eventually(lambda: _balance(api, merchant, funds), what="top-up")
    return shop


async def _balance(api: Api, merchant: Party, amount: int) -> bool:
    return (await api.wallet(merchant))["balance"] == amount


async def test_new_tier_reports_unpriced_skus_and_its_merchants_cannot_order_them(
    system: System, api: Api
) -> None:
    supplier = await api.supplier()
    unpriced = f"0-{uuid.uuid4().hex[:8]}"  # sorts before other tests' SKUs, so it is in the sample
    await _listed(api, supplier, unpriced, BASE_PRICES)
    tier = f"vip_{uuid.uuid4().hex[:6]}"

    added = await api.ok(await api.http.post("/v1/tiers", json={"name": tier}, headers=api.admin), 201)
    assert added["name"] == tier
    assert added["skus_missing_price"] == await system.db["skus"].count_documents({})
    assert unpriced in added["sample"]
    assert len(added["sample"]) == min(100, added["skus_missing_price"])
    listed = await api.ok(await api.http.get("/v1/tiers", headers=api.admin), 200)
    names = [t["name"] for t in listed["items"]]
    assert names[:3] == ["standard", "silver", "gold"]
    assert tier in names
    again = await api.http.post("/v1/tiers", json={"name": tier}, headers=api.admin)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "conflict")

    priced = f"0-{uuid.uuid4().hex[:8]}"
    await _listed(api, supplier, priced, {**BASE_PRICES, tier: 700})
    shop = await _funded_shop(api, tier, 10_000)
    rejected_key = (await api.place(shop, "TIER-1", [(unpriced, 1)])).json()["order_key"]
    rejected = await wait_status(system, rejected_key, "rejected")
    assert rejected["reason"] == "no_price_for_tier"
    ok_key = (await api.place(shop, "TIER-2", [(priced, 1)])).json()["order_key"]
    routed = await wait_status(system, ok_key, "routed")
    assert [line["unit_cost"] for line in routed["lines"]] == [700]
    # The rejected order held no stock and cost nothing; only the priced one was charged.
    assert ((await api.sku(unpriced))["reserved"], (await api.sku(priced))["reserved"]) == (0, 1)
    assert (await api.wallet(shop.merchant))["balance"] == 10_000 - 700

    # From now on a new SKU, and a price change, must price the new tier too (422 naming it);
    # the SKU that existed stays reported until a price change prices it for that tier.
    later = f"0-{uuid.uuid4().hex[:8]}"
    body = {
        "name": "保温杯",
        "category": "家居",
        "brand": "聚合",
        "skus": [{"sku": later, "tier_prices": BASE_PRICES}],
    }
    refused = await api.http.post("/v1/supplier/products", json=body, headers=bearer(supplier.key))
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == f"skus.0.tier_prices: no price for tier {tier!r}"
    assert await system.db["skus"].count_documents({"_id": later}) == 0
    url = f"/v1/supplier/skus/{unpriced}/prices"
    short = await api.http.put(url, json={"tier_prices": BASE_PRICES}, headers=bearer(supplier.key))
    assert (short.status_code, short.json()["error"]["code"]) == (422, "invalid_field")
    await _listed(api, supplier, later, {**BASE_PRICES, tier: 650})
    late_key = (await api.place(shop, "TIER-3", [(later, 1)])).json()["order_key"]
    assert [ln["unit_cost"] for ln in (await wait_status(system, late_key, "routed"))["lines"]] == [650]


async def test_unknown_or_malformed_tiers_are_refused(system: System, api: Api) -> None:
    unknown = await api.http.post("/v1/merchants", json={"name": "m", "tier": "diamond"}, headers=api.admin)
    assert (unknown.status_code, unknown.json()["error"]["message"][:5]) == (422, "tier:")
    malformed = await api.http.post("/v1/tiers", json={"name": "Gold.Plus"}, headers=api.admin)
    assert (malformed.status_code, malformed.json()["error"]["message"][:5]) == (422, "name:")
    merchant = await api.merchant()
    change = await api.http.patch(f"/v1/merchants/{merchant.id}", json={"tier": "diamond"}, headers=api.admin)
    assert change.status_code == 422
    assert (await system.db["merchants"].find_one({"_id": merchant.id}))["tier"] == "standard"
    as_merchant = await api.http.post("/v1/tiers", json={"name": "sneaky"}, headers=bearer(merchant.key))
    assert as_merchant.status_code == 403
    assert await system.db["tiers"].count_documents({"_id": {"$in": ["diamond", "sneaky"]}}) == 0


async def _every_tier_priced(api: Api) -> dict[str, int]:
    """The base prices, and a price for any tier an earlier test of this module added."""
    listed = await api.ok(await api.http.get("/v1/tiers", headers=api.admin), 200)
    return {t["name"]: BASE_PRICES.get(t["name"], 900) for t in listed["items"]}


async def test_tier_change_prices_only_orders_placed_after_it(system: System, api: Api) -> None:
    supplier = await api.supplier()
    sku = f"TIERCHG-{uuid.uuid4().hex[:8]}"
    await _listed(api, supplier, sku, await _every_tier_priced(api))
    shop = await _funded_shop(api, "standard", 10_000)
    before_key = (await api.place(shop, "CHG-1", [(sku, 1)])).json()["order_key"]
    before = await wait_status(system, before_key, "routed")

    changed = await api.http.patch(
        f"/v1/merchants/{shop.merchant.id}", json={"tier": "gold"}, headers=api.admin
    )
    assert changed.status_code == 200
    after_key = (await api.place(shop, "CHG-2", [(sku, 1)])).json()["order_key"]
    after = await wait_status(system, after_key, "routed")

    assert [line["unit_cost"] for line in before["lines"]] == [1200]
    assert [line["unit_cost"] for line in after["lines"]] == [1000]
    assert (await api.order(before_key))["lines"][0]["unit_cost"] == 1200  # not repriced
    assert (await api.wallet(shop.merchant))["balance"] == 10_000 - 1200 - 1000


async def test_seeding_tiers_again_changes_nothing(system: System) -> None:
    """Every worker copy seeds at start; a restart must not reorder or duplicate tiers."""
    before = await system.db["tiers"].find({}).sort("_id", 1).to_list()
    repo = MongoAccountsRepository(system.db)
    await repo.seed_tiers(system.settings.tiers)
    await repo.seed_tiers(system.settings.tiers)
    assert await system.db["tiers"].find({}).sort("_id", 1).to_list() == before
    assert (await AccountsQueries(system.db).known_tiers())[:3] == system.settings.tiers
