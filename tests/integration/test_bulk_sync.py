"""Bulk stock sync: 10,000 items in chunks, idempotent on the caller's sync id."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api, Party, bearer, unique
from tests.support.flows import published
from tests.support.system import System, eventually

CHUNK = "inventory.apply_sync_chunk"


async def seeded_supplier(system: System, api: Api, n: int) -> tuple[Party, list[str]]:
    """A supplier owning `n` SKUs, written straight to the catalog's collection: creating
    10,000 SKUs through the API would take most of the test's time and prove nothing here."""
    supplier = await api.supplier()
    prefix = unique("BULK")
    codes = [f"{prefix}-{i:05d}" for i in range(n)]
    docs = [
        {
            "_id": c,
            "product_id": "prd_bulk",
            "supplier_id": supplier.id,
            "tier_prices": {},
            "orderable": False,
        }
        for c in codes
    ]
    await system.db["skus"].insert_many(docs)
    return supplier, codes


async def put(api: Api, supplier: Party, sync_id: str, items: list[dict[str, Any]]) -> Any:
    body = {"sync_id": sync_id, "items": items}
    return await api.http.put("/v1/supplier/inventory", json=body, headers=bearer(supplier.key))


async def progress(api: Api, supplier: Party, sync_id: str) -> dict[str, Any]:
    response = await api.http.get(f"/v1/supplier/inventory/syncs/{sync_id}", headers=bearer(supplier.key))
    return await api.ok(response, 200)  # type: ignore[no-any-return]


async def finished(api: Api, supplier: Party, sync_id: str) -> dict[str, Any] | None:
    state = await progress(api, supplier, sync_id)
    return state if state["status"] == "done" else None


async def on_hand(system: System, supplier: Party) -> dict[str, int]:
    cursor = system.db["stock"].find({"supplier_id": supplier.id}, {"on_hand": 1})
    return {doc["_id"]: doc["on_hand"] async for doc in cursor}


async def test_ten_thousand_items_apply_once_in_chunks_and_a_repeat_changes_nothing(
    system: System, api: Api
) -> None:
    supplier, codes = await seeded_supplier(system, api, 10_000)
    items = [{"sku": c, "on_hand": i % 97} for i, c in enumerate(codes)]
    chunks_before = published(CHUNK)

    first = await put(api, supplier, "erp-sync-1", items)
    assert first.status_code == 202
    assert first.json() == {"sync_id": "erp-sync-1", "items": 10_000, "chunks": 20}
    done = await eventually(lambda: finished(api, supplier, "erp-sync-1"), within=120, what="sync done")
    assert done == {
        "sync_id": "erp-sync-1",
        "items": 10_000,
        "chunks": 20,
        "chunks_done": 20,
        "status": "done",
    }
    assert published(CHUNK) == chunks_before + 20
    assert await on_hand(system, supplier) == {c: i % 97 for i, c in enumerate(codes)}

    newer = await put(api, supplier, "erp-sync-2", [{"sku": codes[0], "on_hand": 500}])
    assert newer.status_code == 202
    await eventually(lambda: finished(api, supplier, "erp-sync-2"), what="newer sync done")
    again = await put(api, supplier, "erp-sync-1", items)
    assert (again.status_code, again.json()) == (202, first.json())
    assert published(CHUNK) == chunks_before + 21  # the newer sync's one chunk, nothing for the repeat
    stock = await on_hand(system, supplier)
    assert stock[codes[0]] == 500  # the repeat did not bring back the older count
    assert stock[codes[1]] == 1


async def test_the_same_sync_id_with_other_items_is_409_and_applies_nothing(system: System, api: Api) -> None:
    supplier, codes = await seeded_supplier(system, api, 3)
    items = [{"sku": c, "on_hand": 7} for c in codes]
    assert (await put(api, supplier, "s-1", items)).status_code == 202
    await eventually(lambda: finished(api, supplier, "s-1"), what="sync done")
    chunks_before = published(CHUNK)

    changed = [{**items[0], "on_hand": 8}, *items[1:]]
    conflict = await put(api, supplier, "s-1", changed)
    assert conflict.status_code == 409
    assert "sync_id" in conflict.json()["error"]["message"]
    assert published(CHUNK) == chunks_before
    assert await on_hand(system, supplier) == dict.fromkeys(codes, 7)


async def test_bad_items_are_422_naming_the_item_and_record_no_sync(system: System, api: Api) -> None:
    supplier, codes = await seeded_supplier(system, api, 2)
    other, _ = await seeded_supplier(system, api, 1)
    twice = await put(
        api, supplier, "bad-1", [{"sku": codes[0], "on_hand": 1}, {"sku": codes[0], "on_hand": 2}]
    )
    assert (twice.status_code, twice.json()["error"]["message"]) == (
        422,
        f"items.1.sku: {codes[0]!r} appears twice",
    )
    foreign = await put(api, other, "bad-1", [{"sku": codes[1], "on_hand": 1}])
    assert foreign.status_code == 422
    assert foreign.json()["error"]["message"].startswith("items.0.sku: no SKU")
    missing = await api.http.get("/v1/supplier/inventory/syncs/bad-1", headers=bearer(supplier.key))
    assert missing.status_code == 404
    assert await on_hand(system, supplier) == {}
