"""Selection (选品上架): signed listing pushes, coalesced stock pushes, delisting follows the product."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from juhe.signing import verify
from tests.support.api import Api, Party, Shop, bearer, unique
from tests.support.flows import scene, wait_status
from tests.support.receiver import CallbackReceiver, Received
from tests.support.system import System, eventually

SELECTIONS = "/v1/merchant/selections"


async def select(api: Api, shop: Shop, sku: str, price: int) -> httpx.Response:
    body = {"platform": "generic", "shop_id": shop.shop_id, "sku": sku, "retail_price": price}
    return await api.http.post(SELECTIONS, json=body, headers=bearer(shop.merchant.key))


async def selection(api: Api, merchant: Party, sid: str) -> dict[str, Any]:
    return await api.ok(await api.http.get(f"{SELECTIONS}/{sid}", headers=bearer(merchant.key)), 200)


def pushes(receiver: CallbackReceiver, path: str, kind: str | None = None) -> list[dict[str, Any]]:
    """Bodies received on `path` (of one type, or every listing change when None)."""
    bodies = [json.loads(r.body) for r in receiver.for_path(path)]
    return [b for b in bodies if b["type"] == kind or (kind is None and b["type"].startswith("listing."))]


def calls(receiver: CallbackReceiver, path: str, kind: str) -> list[Received]:
    return [r for r in receiver.for_path(path) if json.loads(r.body)["type"] == kind]


async def at_least(
    receiver: CallbackReceiver, path: str, n: int, kind: str | None = None
) -> list[Any] | None:
    found = pushes(receiver, path, kind)
    return found if len(found) >= n else None


async def shop_with_callback(api: Api, merchant: Party, receiver: CallbackReceiver) -> tuple[Shop, str]:
    path = f"/shop/{unique('sel')}"
    return await api.shop(merchant, callback_url=receiver.url(path)), path


async def test_selecting_pushes_a_signed_listing_upsert(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    s = await scene(api, stock=7, funds=0)
    shop, path = await shop_with_callback(api, s.merchant, receiver)
    product_id = (await api.sku(s.sku))["product_id"]

    created = await api.ok(await select(api, shop, s.sku, 2990), 201)
    assert (created["status"], created["retail_price"], created["sku"]) == ("listed", 2990, s.sku)

    await eventually(lambda: at_least(receiver, path, 1), what="upsert pushed")
    [call] = calls(receiver, path, "listing.upsert")
    assert call.headers["x-juhe-shop"] == shop.shop_id
    ts, sig = call.headers["x-juhe-timestamp"], call.headers["x-juhe-signature"]
    assert verify(shop.secret, ts, call.body, sig, skew=300)
    assert json.loads(call.body) == {
        "type": "listing.upsert",
        "selection_id": created["id"],
        "sku": s.sku,
        "product_id": product_id,
        "name": "保温杯",
        "specs": {"颜色": "红"},
        "retail_price": 2990,
        "available": 7,
    }
    await eventually(lambda: _synced(api, s.merchant, created["id"], 1), what="revision 1 acknowledged")

    again = await api.ok(await select(api, shop, s.sku, 2990), 201)  # a retried request
    assert again["id"] == created["id"]
    changed = await api.http.patch(
        f"{SELECTIONS}/{created['id']}", json={"retail_price": 3190}, headers=bearer(s.merchant.key)
    )
    assert changed.json()["revision"] == 2
    await eventually(lambda: at_least(receiver, path, 2), what="price change pushed")
    # The retry pushed nothing: the shop saw exactly the first listing, then the new price.
    assert [(b["type"], b["retail_price"]) for b in pushes(receiver, path)] == [
        ("listing.upsert", 2990),
        ("listing.upsert", 3190),
    ]
    listed = await api.http.get(
        SELECTIONS, params={"platform": "generic", "shop_id": shop.shop_id}, headers=bearer(s.merchant.key)
    )
    assert [(i["id"], i["retail_price"]) for i in listed.json()["items"]] == [(created["id"], 3190)]


async def test_selection_is_refused_for_a_foreign_shop_or_an_unlisted_product(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    s = await scene(api, stock=3, funds=0)
    other = await api.merchant()
    foreign = Shop(s.shop.shop_id, s.shop.secret, other)  # another merchant's shop
    refused = await select(api, foreign, s.sku, 1000)
    assert (refused.status_code, refused.json()["error"]["code"]) == (404, "not_found")

    product_id = (await api.sku(s.sku))["product_id"]
    await api.ok(await api.http.post(f"/v1/products/{product_id}/delist", headers=api.admin), 200)
    unlisted = await select(api, s.shop, s.sku, 1000)
    assert (unlisted.status_code, unlisted.json()["error"]["code"]) == (409, "conflict")
    unknown = await select(api, s.shop, unique("NOPE"), 1000)
    assert unknown.status_code == 404
    mine = await api.http.get(SELECTIONS, headers=bearer(s.merchant.key))
    assert mine.json()["items"] == []  # nothing was selected by any refused request


async def test_a_burst_of_stock_changes_is_pushed_once_with_the_latest_figure(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    s = await scene(api, stock=20, funds=100_000)
    shop, path = await shop_with_callback(api, s.merchant, receiver)
    await api.ok(await select(api, shop, s.sku, 2990), 201)
    await eventually(lambda: at_least(receiver, path, 1, "listing.upsert"), what="listed")
    # The supplier's own sync is pushed too; its window also absorbs any earlier change.
    sync = {"items": [{"sku": s.sku, "on_hand": 20}]}
    synced = await api.http.put("/v1/supplier/inventory", json=sync, headers=bearer(s.supplier.key))
    assert synced.status_code == 202
    await eventually(lambda: at_least(receiver, path, 1, "stock"), within=30, what="sync pushed")
    assert pushes(receiver, path, "stock") == [{"type": "stock", "sku": s.sku, "available": 20}]

    placed = await asyncio.gather(*(api.place(s.shop, f"BURST-{i}", [(s.sku, 1)]) for i in range(5)))
    keys = [r.json()["order_key"] for r in placed]
    await eventually(lambda: at_least(receiver, path, 2, "stock"), within=30, what="stock push")
    for key in keys:
        await wait_status(system, key, "routed")
    assert pushes(receiver, path, "stock")[1:] == [{"type": "stock", "sku": s.sku, "available": 15}]

    later = (await api.place(s.shop, "BURST-LATER", [(s.sku, 1)])).json()["order_key"]
    await wait_status(system, later, "routed")
    await eventually(lambda: at_least(receiver, path, 3, "stock"), within=30, what="second stock push")
    assert [b["available"] for b in pushes(receiver, path, "stock")] == [20, 15, 14]


async def test_delisting_the_product_delists_it_from_every_shop(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    s = await scene(api, stock=5, funds=0)
    shop_a, path_a = await shop_with_callback(api, s.merchant, receiver)
    merchant_b = await api.merchant()
    shop_b, path_b = await shop_with_callback(api, merchant_b, receiver)
    sel_a = (await api.ok(await select(api, shop_a, s.sku, 1990), 201))["id"]
    sel_b = (await api.ok(await select(api, shop_b, s.sku, 2190), 201))["id"]
    product_id = (await api.sku(s.sku))["product_id"]

    await api.ok(await api.http.post(f"/v1/products/{product_id}/delist", headers=api.admin), 200)
    for path, sid in ((path_a, sel_a), (path_b, sel_b)):
        await eventually(lambda p=path: at_least(receiver, p, 1, "listing.delist"), what="delist pushed")
        assert pushes(receiver, path, "listing.delist") == [
            {"type": "listing.delist", "selection_id": sid, "sku": s.sku, "reason": "product_delisted"}
        ]
    assert (await selection(api, s.merchant, sel_a))["status"] == "delisted"
    removed = await api.http.delete(f"{SELECTIONS}/{sel_b}", headers=bearer(merchant_b.key))
    assert removed.json()["delisted_reason"] == "removed_by_merchant"

    await api.ok(await api.http.post(f"/v1/products/{product_id}/relist", headers=api.admin), 200)
    await eventually(lambda: at_least(receiver, path_a, 2, "listing.upsert"), what="relisted on A")
    assert (await selection(api, s.merchant, sel_a))["status"] == "listed"
    # B took it off itself: the relist leaves it off.
    assert [b["type"] for b in pushes(receiver, path_b)] == ["listing.upsert", "listing.delist"]
    assert (await selection(api, merchant_b, sel_b))["status"] == "delisted"

    await api.ok(await api.http.delete(f"/v1/products/{product_id}", headers=api.admin), 200)
    await eventually(lambda: at_least(receiver, path_a, 2, "listing.delist"), what="deleted")
    assert pushes(receiver, path_a, "listing.delist")[-1]["reason"] == "product_deleted"


async def test_a_failing_shop_endpoint_is_retried(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    s = await scene(api, stock=2, funds=0)
    shop, path = await shop_with_callback(api, s.merchant, receiver)
    receiver.fail_first[path] = 1
    sid = (await api.ok(await select(api, shop, s.sku, 990), 201))["id"]

    done = await eventually(lambda: _synced(api, s.merchant, sid, 1), within=30, what="retried push")
    upserts = calls(receiver, path, "listing.upsert")
    assert len(upserts) == 2  # refused with 500, accepted after the first backoff step
    assert upserts[0].body == upserts[1].body
    logged = [(p["type"], p["attempts"]) for p in done["pushes"] if p["type"].startswith("listing.")]
    assert logged == [("listing.upsert", 2)]


async def _synced(api: Api, merchant: Party, sid: str, revision: int) -> dict[str, Any] | None:
    found = await selection(api, merchant, sid)
    return found if found["synced_revision"] >= revision else None
