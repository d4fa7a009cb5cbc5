"""Product models validate SKU specs; review and listing; reviewed edits; price changes."""

from __future__ import annotations

from tests.support.api import SETTLEMENT_PRICE, Api, bearer, unique
from tests.support.catalog import PRICES, act, brand, category, create, product, product_body, shirt_model
from tests.support.flows import scene, wait_status
from tests.support.system import System


async def test_sku_specs_are_checked_against_the_model_and_nothing_is_stored(
    system: System, api: Api
) -> None:
    supplier = await api.supplier()
    cat, brd, model = await category(api, "服装"), await brand(api), await shirt_model(api)
    cases = [
        ({"颜色": "绿", "尺码": "M"}, "skus.0.specs.颜色: '绿' is not one of 红, 蓝"),
        ({"颜色": "红"}, "skus.0.specs.尺码: missing"),
        ({"颜色": "红", "尺码": "M", "袖长": "长"}, "skus.0.specs.袖长: not a spec of model"),
    ]
    for specs, message in cases:
        body = product_body("T恤", cat, brd, model, **specs)
        error = (await create(api, supplier, body, 422))["error"]
        assert error["code"] == "invalid_field"
        assert error["message"].startswith(message), error
        assert await system.db["skus"].find_one({"_id": body["skus"][0]["sku"]}) is None
    bad_attr = product_body("T恤", cat, brd, model) | {"attributes": {"产地": "中国"}}
    assert "attributes.产地" in (await create(api, supplier, bad_attr, 422))["error"]["message"]
    unknown = product_body("T恤", "cat_nope", brd, model)
    assert (await create(api, supplier, unknown, 422))["error"][
        "message"
    ] == "category_id: no category 'cat_nope'"
    assert await system.db["products"].count_documents({"supplier_id": supplier.id}) == 0

    good = product_body("T恤", cat, brd, model) | {"attributes": {"材质": "棉"}}
    assert (await create(api, supplier, good))["status"] == "pending_review"


async def test_review_and_listing_transitions_and_illegal_ones_are_409(api: Api) -> None:
    supplier = await api.supplier()
    pid = (
        await create(api, supplier, product_body("杯", await category(api, "家居"), await brand(api), None))
    )["id"]
    for action in ("delist", "relist"):
        assert (await act(api, pid, action, 409))["error"]["code"] == "conflict"
    assert (await act(api, pid, "approve"))["status"] == "listed"
    for action in ("approve", "reject", "relist"):
        await act(api, pid, action, 409, reason="x")
    assert (await act(api, pid, "delist"))["status"] == "delisted"
    await act(api, pid, "delist", 409)
    assert (await act(api, pid, "relist"))["status"] == "listed"
    history = (await product(api, pid))["history"]
    assert [h["status"] for h in history] == ["pending_review", "listed", "delisted", "listed"]
    assert all(h["by"] and h["at"] for h in history)

    rejected = (
        await create(api, supplier, product_body("碗", await category(api, "家居"), await brand(api), None))
    )["id"]
    await act(api, rejected, "reject", 422)  # a rejection needs a reason
    assert (await act(api, rejected, "reject", reason="模糊的图片"))["status"] == "rejected"
    await act(api, rejected, "approve", 409)
    assert (await product(api, rejected))["history"][-1]["why"] == "模糊的图片"
    edit = await api.http.patch(
        f"/v1/supplier/products/{rejected}", json={"name": "碗 2"}, headers=bearer(supplier.key)
    )
    assert edit.json() == {"id": rejected, "status": "pending_review", "pending_revision": False}


async def test_an_edited_listed_product_stays_orderable_at_its_old_content_until_approved(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=10, funds=10_000)
    pid = (await api.sku(s.sku))["product_id"]
    url = f"/v1/supplier/products/{pid}"
    edit = {"name": "保温杯 新款", "skus": [{"sku": s.sku, "specs": {"颜色": "蓝"}}]}
    assert (await api.http.patch(url, json=edit, headers=bearer(s.supplier.key))).json()[
        "pending_revision"
    ] is True
    other = await api.supplier()
    assert (await api.http.patch(url, json=edit, headers=bearer(other.key))).status_code == 404

    shown = await product(api, pid, s.merchant.key)
    assert (shown["name"], shown["status"], shown["sku_specs"]) == (
        "保温杯",
        "listed",
        {s.sku: {"颜色": "红"}},
    )
    first = (await api.place(s.shop, unique("REV"), [(s.sku, 1)])).json()["order_key"]
    assert (await wait_status(system, first, "routed"))["lines"][0]["sku"] == s.sku

    await act(api, pid, "revision/reject", reason="名称不符")
    assert (await product(api, pid))["name"] == "保温杯"
    await api.http.patch(url, json=edit, headers=bearer(s.supplier.key))
    await act(api, pid, "revision/approve")
    shown = await product(api, pid, s.merchant.key)
    assert (shown["name"], shown["status"], shown["sku_specs"]) == (
        "保温杯 新款",
        "listed",
        {s.sku: {"颜色": "蓝"}},
    )
    events = [h.get("event") for h in (await product(api, pid))["history"]]
    assert events[-4:] == [
        "revision_submitted",
        "revision_rejected",
        "revision_submitted",
        "revision_approved",
    ]
    await act(api, pid, "revision/approve", 409)


async def test_a_price_change_prices_only_orders_placed_after_it(system: System, api: Api) -> None:
    s = await scene(api, stock=10, funds=10_000, price=1000)
    first = (await api.place(s.shop, unique("P1"), [(s.sku, 1)])).json()["order_key"]
    assert (await wait_status(system, first, "routed"))["lines"][0]["unit_cost"] == 1000

    new = PRICES | {"standard": 1500}
    url = f"/v1/supplier/skus/{s.sku}/prices"
    response = await api.http.put(url, json={"tier_prices": new}, headers=bearer(s.supplier.key))
    assert response.json() == {"sku": s.sku, "tier_prices": new, "settlement_price": SETTLEMENT_PRICE}
    second = (await api.place(s.shop, unique("P2"), [(s.sku, 1)])).json()["order_key"]
    assert (await wait_status(system, second, "routed"))["lines"][0]["unit_cost"] == 1500
    assert (await api.order(first))["lines"][0]["unit_cost"] == 1000
    pid = (await api.sku(s.sku))["product_id"]
    last = (await product(api, pid))["history"][-1]
    assert (last["event"], last["sku"], last["by"]) == ("price_changed", s.sku, s.supplier.id)
    missing = await api.http.put(url, json={"tier_prices": {"standard": 1}}, headers=bearer(s.supplier.key))
    assert missing.status_code == 422


async def test_unknown_tiers_field_name_keys_and_oversized_requests_are_422_and_store_nothing(
    system: System, api: Api
) -> None:
    supplier = await api.supplier()
    cat, brd = await category(api, "校验"), await brand(api)
    body = product_body("杯", cat, brd, None)
    sku = body["skus"][0]
    cases = [
        (
            body | {"skus": [sku | {"tier_prices": PRICES | {"platinum": 900}}]},
            "skus.0.tier_prices.platinum:",
        ),
        (body | {"skus": [sku | {"specs": {"颜.色": "红"}}]}, "skus.0.specs.颜.色"),
        (body | {"skus": [sku | {"specs": {"$where": "红"}}]}, "skus.0.specs.$where"),
        (body | {"attributes": {"": "棉"}}, "attributes."),
        (
            body | {"skus": [sku | {"sku": f"{sku['sku']}-{i}"} for i in range(201)]},
            "skus: List should have at most",
        ),
    ]
    for request, field in cases:
        error = (await create(api, supplier, request, 422))["error"]
        assert (error["code"], error["message"].startswith(field)) == ("invalid_field", True), error
    assert await system.db["products"].count_documents({"supplier_id": supplier.id}) == 0
    assert await system.db["skus"].count_documents({"supplier_id": supplier.id}) == 0
    url = f"/v1/supplier/skus/{sku['sku']}/prices"
    unknown = await api.http.put(
        url, json={"tier_prices": PRICES | {"diamond": 1}}, headers=bearer(supplier.key)
    )
    assert unknown.json()["error"]["message"].startswith("tier_prices.diamond: unknown tier 'diamond'")
