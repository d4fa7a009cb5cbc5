"""Category tree and moves, the product list's filters and cursor pages, recycle-bin purge."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

from schemas.envelope import utcnow
from tests.support.api import Api, Party, bearer
from tests.support.catalog import act, brand, category, create, product_body
from tests.support.system import System
from workers.catalog.repository import MongoProducts


async def _pages(api: Api, key: str | None, **params: Any) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        headers = bearer(key) if key else api.admin
        data = await api.ok(await api.http.get("/v1/products", params=query, headers=headers), 200)
        pages.append([item["name"] for item in data["items"]])
        cursor = data["next_cursor"]
        if cursor is None:
            return pages


async def _product(api: Api, supplier: Party, name: str, cat: str, brd: str) -> str:
    return str((await create(api, supplier, product_body(name, cat, brd, None)))["id"])


async def test_category_move_keeps_products_and_the_subtree_filter_follows(api: Api) -> None:
    supplier = await api.supplier()
    home, food = await category(api, "家居"), await category(api, "食品")
    cups = await category(api, "杯子", home)
    thermos = await category(api, "保温杯", cups)
    brd = await brand(api)
    await _product(api, supplier, "杯A", thermos, brd)
    await _product(api, supplier, "杯B", cups, brd)
    await _product(api, supplier, "面包", food, brd)
    assert await _pages(api, None, category_id=home, sort="name") == [["杯A", "杯B"]]

    refused = await api.http.patch(f"/v1/categories/{home}", json={"parent_id": thermos}, headers=api.admin)
    assert refused.status_code == 409
    moved = await api.http.patch(
        f"/v1/categories/{cups}", json={"parent_id": food, "name": "杯"}, headers=api.admin
    )
    assert (moved.json()["path"], moved.json()["name"]) == ([food], "杯")
    assert await _pages(api, None, category_id=home) == [[]]
    assert await _pages(api, None, category_id=food, sort="name") == [["杯A", "杯B", "面包"]]
    tree = (await api.ok(await api.http.get("/v1/categories", headers=api.admin), 200))["items"]
    food_node = next(n for n in tree if n["id"] == food)
    assert (food_node["products"], food_node["subtree_products"]) == (1, 3)
    cup_node = food_node["children"][0]
    assert (cup_node["name"], cup_node["products"], cup_node["subtree_products"]) == ("杯", 1, 2)
    assert cup_node["children"][0]["id"] == thermos


async def test_product_list_filters_sorts_and_pages_exactly(api: Api) -> None:
    supplier, other = await api.supplier(), await api.supplier()
    cat, brd, brd2 = await category(api, "文具"), await brand(api), await brand(api)
    names = [f"铅笔 {i:02d}" for i in range(7)] + ["钢笔 A", "钢笔 B"]
    ids = {name: await _product(api, supplier, name, cat, brd if "铅" in name else brd2) for name in names}
    await _product(api, other, "铅笔 外", cat, brd)
    for name in ("铅笔 01", "钢笔 A"):
        await act(api, ids[name], "approve")

    by_name = sorted(names)  # code point order: 钢 (U+94A2) before 铅 (U+94C5)
    assert await _pages(api, supplier.key, sort="name", limit=3) == [by_name[:3], by_name[3:6], by_name[6:9]]
    assert await _pages(api, supplier.key, sort="-name", limit=4) == [
        by_name[::-1][i : i + 4] for i in (0, 4, 8)
    ]
    assert await _pages(api, supplier.key, sort="created_at", limit=5) == [names[:5], names[5:]]
    assert await _pages(api, supplier.key, limit=100) == [list(reversed(names))]  # newest first
    assert await _pages(api, None, supplier_id=supplier.id, brand_id=brd2, sort="name") == [
        ["钢笔 A", "钢笔 B"]
    ]
    assert await _pages(api, None, supplier_id=supplier.id, status="listed", sort="name") == [
        ["钢笔 A", "铅笔 01"]
    ]
    assert await _pages(api, supplier.key, q="笔 0", sort="name", limit=4) == [names[:4], names[4:7]]
    assert await _pages(api, supplier.key, q="钢", sort="name") == [["钢笔 A", "钢笔 B"]]
    assert await _pages(api, None, category_id=cat, q="外") == [["铅笔 外"]]
    merchant = await api.merchant()
    assert await _pages(api, merchant.key, category_id=cat, sort="name") == [["钢笔 A", "铅笔 01"]]
    bad = await api.http.get("/v1/products", params={"cursor": "nope"}, headers=api.admin)
    assert bad.status_code == 422


async def test_purge_removes_only_products_deleted_longer_ago_than_the_retention(
    system: System, api: Api
) -> None:
    supplier = await api.supplier()
    cat, brd = await category(api, "回收"), await brand(api)
    old, recent, kept = [await _product(api, supplier, n, cat, brd) for n in ("旧", "新", "留")]
    for pid in (old, recent):
        await api.http.delete(f"/v1/products/{pid}", headers=api.admin)
    now = utcnow()
    await system.db["products"].update_one({"_id": old}, {"$set": {"deleted_at": now - timedelta(days=31)}})
    old_sku = (await system.db["products"].find_one({"_id": old}))["skus"][0]

    assert await MongoProducts(system.db).purge_recycle_bin(now, timedelta(days=30)) == 1
    assert await system.db["products"].find_one({"_id": old}) is None
    assert await system.db["skus"].find_one({"_id": old_sku}) is None
    remaining = {d["_id"] async for d in system.db["products"].find({"supplier_id": supplier.id})}
    assert remaining == {recent, kept}
    assert await MongoProducts(system.db).purge_recycle_bin(now, timedelta(days=30)) == 0


async def test_a_cursor_the_api_did_not_issue_is_422_naming_it(api: Api) -> None:
    """A hand-made cursor once reached the scan and failed there as a 500."""
    supplier = await api.supplier()
    await _product(api, supplier, "光标", await category(api, "光标"), await brand(api))
    crafted = [["-created_at", {"a": 1}, "prd_x"], ["-created_at", "abc", "prd_x"], ["name", 5, "prd_x"]]
    for sort, key, product_id in crafted:
        cursor = base64.urlsafe_b64encode(json.dumps([sort, key, product_id]).encode()).decode()
        response = await api.http.get(
            "/v1/products", params={"sort": sort, "cursor": cursor}, headers=api.admin
        )
        assert (response.status_code, response.json()["error"]) == (
            422,
            {"code": "invalid_field", "message": "cursor: not a cursor this API issued"},
        )
