"""Platform adapters: each platform's signed sample becomes an order; tampering is refused."""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.api import Api, unique
from tests.support.flows import Scene, published, scene, wait_status
from tests.support.platforms import FORM, douyin_headers, douyin_push, fixture, form_push
from tests.support.system import System, eventually


@dataclass(frozen=True)
class Platforms:
    scene: Scene
    apps: dict[str, dict[str, str]]
    shops: dict[str, str]


async def register(api: Api, platform: str, shop_id: str, merchant_id: str) -> dict[str, str]:
    app = {"app_key": unique(f"{platform}-app"), "app_secret": secrets.token_hex(16)}
    response = await api.http.put(f"/v1/platforms/{platform}/app", json=app, headers=api.admin)
    assert response.status_code == 200, response.text
    assert response.json() == {"platform": platform, "app_key": app["app_key"]}
    body = {"platform": platform, "shop_id": shop_id}
    shop = await api.http.post(f"/v1/merchants/{merchant_id}/shops", json=body, headers=api.admin)
    assert shop.status_code == 201, shop.text
    return app


@pytest.fixture(scope="module")
async def p(api: Api) -> Platforms:
    s = await scene(api, stock=100, funds=1_000_000)
    shops = {
        "douyin": str(secrets.randbelow(10**9) + 10**9),
        "taobao": unique("juhe-flagship"),
        "pdd": str(secrets.randbelow(10**9) + 10**9),
    }
    apps = {name: await register(api, name, shop_id, s.merchant.id) for name, shop_id in shops.items()}
    return Platforms(s, apps, shops)


def douyin_order(p: Platforms, order_id: str, msg_id: str | None = None, qty: int = 2) -> bytes:
    line = {**fixture_line(), "code": p.scene.sku, "item_num": qty, "origin_amount": 1990 * qty}
    return douyin_push(
        "douyin_order", msg_id=msg_id or unique("msg"), shop_id=int(p.shops["douyin"]), p_id=order_id,
        order_id=order_id, sku_order_list=[line],
    )  # fmt: skip


def fixture_line() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(fixture("douyin_order")[0]["data"])
    line: dict[str, Any] = data["sku_order_list"][0]
    return line


def tampered(body: bytes, old: bytes, new: bytes) -> bytes:
    changed = body.replace(old, new)
    assert changed != body, "the tampering must change the body"
    return changed


async def post(api: Api, platform: str, body: bytes, headers: dict[str, str], kind: str = "orders") -> Any:
    return await api.http.post(f"/v1/webhooks/{platform}/{kind}", content=body, headers=headers)


async def order_of(system: System, key: str) -> dict[str, Any]:
    return await eventually(lambda: system.db["orders"].find_one({"_id": key}), what=key)


async def assert_refused(
    system: System, api: Api, platform: str, body: bytes, headers: dict[str, str]
) -> None:
    before, orders_before = published("order.place"), await system.db["orders"].count_documents({})
    response = await post(api, platform, body, headers)
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "bad_signature"
    await asyncio.sleep(0.3)
    assert published("order.place") == before
    assert await system.db["orders"].count_documents({}) == orders_before


async def test_a_signed_douyin_paid_order_becomes_an_order(system: System, api: Api, p: Platforms) -> None:
    order_id = str(secrets.randbelow(10**18))
    body = douyin_order(p, order_id)
    response = await post(api, "douyin", body, douyin_headers(p.apps["douyin"], body))
    assert (response.status_code, response.json()) == (200, {"code": 0, "msg": "success"})
    key = f"douyin:{p.shops['douyin']}:{order_id}"
    order = await wait_status(system, key, "routed")
    assert (order["platform"], order["shop_id"], order["merchant_id"]) == (
        "douyin",
        p.shops["douyin"],
        p.scene.merchant.id,
    )
    assert [(ln["sku"], ln["qty"], ln["unit_price"]) for ln in order["lines"]] == [(p.scene.sku, 2, 1990)]
    assert order["shipping_address"] == {
        "name": "王小明", "phone": "13912345678", "province": "浙江省", "city": "杭州市",
        "district": "西湖区", "detail": "文新街道文一西路 100 号",
    }  # fmt: skip


async def test_a_tampered_douyin_push_is_401(system: System, api: Api, p: Platforms) -> None:
    body = douyin_order(p, "4837328765348500001")
    headers = douyin_headers(p.apps["douyin"], body)
    await assert_refused(system, api, "douyin", tampered(body, b'item_num\\":2', b'item_num\\":9'), headers)
    wrong_app = {**p.apps["douyin"], "app_secret": "not-the-secret"}
    await assert_refused(system, api, "douyin", body, douyin_headers(wrong_app, body))


async def test_a_repeated_douyin_msg_id_publishes_nothing_new(system: System, api: Api, p: Platforms) -> None:
    order_id = str(secrets.randbelow(10**18))
    body = douyin_order(p, order_id, msg_id="7042553395482600001" + order_id[-4:])
    headers = douyin_headers(p.apps["douyin"], body)
    assert (await post(api, "douyin", body, headers)).status_code == 200
    key = f"douyin:{p.shops['douyin']}:{order_id}"
    await order_of(system, key)
    before = published("order.place")
    again = await post(api, "douyin", body, headers)
    assert (again.status_code, again.json()) == (200, {"code": 0, "msg": "success"})
    await asyncio.sleep(0.3)
    assert published("order.place") == before
    assert (
        await system.db["orders"].count_documents(
            {"shop_id": p.shops["douyin"], "platform_order_id": order_id}
        )
        == 1
    )


async def test_the_douyin_url_check_is_answered_and_publishes_nothing(api: Api, p: Platforms) -> None:
    body = json.dumps(fixture("douyin_check")).encode()
    before = published("order.place")
    response = await post(api, "douyin", body, douyin_headers(p.apps["douyin"], body))
    assert (response.status_code, response.json()) == (200, {"code": 0, "msg": "success"})
    assert published("order.place") == before


async def test_a_douyin_order_missing_its_lines_is_422_naming_the_field(
    system: System, api: Api, p: Platforms
) -> None:
    body = douyin_push("douyin_order", shop_id=int(p.shops["douyin"]), sku_order_list=[])
    response = await post(api, "douyin", body, douyin_headers(p.apps["douyin"], body))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"].startswith("0.data.sku_order_list:")


async def test_a_push_for_an_unknown_shop_is_401(system: System, api: Api, p: Platforms) -> None:
    line = {**fixture_line(), "code": p.scene.sku}
    body = douyin_push("douyin_order", shop_id=1, p_id="1", order_id="1", sku_order_list=[line])
    await assert_refused(system, api, "douyin", body, douyin_headers(p.apps["douyin"], body))


def taobao_order(p: Platforms, tid: str, **extra: Any) -> bytes:
    trade = json.loads(fixture("taobao_order")["content"])
    order = {**trade["orders"]["order"][0], "outer_sku_id": p.scene.sku}
    return form_push(
        "taobao_order",
        p.apps["taobao"],
        tid=tid,
        seller_nick=p.shops["taobao"],
        orders={"order": [order]},
        **extra,
    )


async def test_a_signed_taobao_trade_becomes_an_order(system: System, api: Api, p: Platforms) -> None:
    tid = str(secrets.randbelow(10**18))
    response = await post(api, "taobao", taobao_order(p, tid), FORM)
    key = f"taobao:{p.shops['taobao']}:{tid}"
    assert (response.status_code, response.json()) == (202, {"order_keys": [key], "refund_keys": []})
    order = await wait_status(system, key, "routed")
    assert (order["platform"], order["shop_id"]) == ("taobao", p.shops["taobao"])
    assert [(ln["sku"], ln["qty"], ln["unit_price"]) for ln in order["lines"]] == [(p.scene.sku, 3, 1990)]
    assert order["shipping_address"] == {
        "name": "李雷", "phone": "13700000000", "province": "上海", "city": "上海市",
        "district": "浦东新区", "detail": "祖冲之路 887 号",
    }  # fmt: skip


async def test_a_tampered_or_stale_taobao_push_is_401(system: System, api: Api, p: Platforms) -> None:
    body = taobao_order(p, "2451937462800000001")
    await assert_refused(system, api, "taobao", tampered(body, b"num%22%3A3", b"num%22%3A9"), FORM)
    stale = form_push("taobao_order", p.apps["taobao"], at=1_700_000_000, seller_nick=p.shops["taobao"])
    await assert_refused(system, api, "taobao", stale, FORM)


async def test_a_taobao_line_without_outer_sku_id_is_422(api: Api, p: Platforms) -> None:
    body = form_push(
        "taobao_order",
        p.apps["taobao"],
        seller_nick=p.shops["taobao"],
        orders={"order": [{"num": 1, "price": "1.00"}]},
    )
    response = await post(api, "taobao", body, FORM)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"].startswith("content.orders.order.0.outer_sku_id:")


def pdd_order(p: Platforms, order_sn: str) -> bytes:
    item = {**json.loads(fixture("pdd_order")["data"])["item_list"][0], "outer_id": p.scene.sku}
    return form_push(
        "pdd_order", p.apps["pdd"], order_sn=order_sn, mall_id=int(p.shops["pdd"]), item_list=[item]
    )


async def test_a_signed_pdd_order_becomes_an_order(system: System, api: Api, p: Platforms) -> None:
    order_sn = f"240501-{secrets.randbelow(10**15)}"
    response = await post(api, "pdd", pdd_order(p, order_sn), FORM)
    key = f"pdd:{p.shops['pdd']}:{order_sn}"
    assert (response.status_code, response.json()) == (202, {"order_keys": [key], "refund_keys": []})
    order = await wait_status(system, key, "routed")
    assert (order["platform"], order["shop_id"]) == ("pdd", p.shops["pdd"])
    assert [(ln["sku"], ln["qty"], ln["unit_price"]) for ln in order["lines"]] == [(p.scene.sku, 2, 1290)]
    assert order["shipping_address"] == {
        "name": "韩梅梅", "phone": "13600000000", "province": "广东省", "city": "广州市",
        "district": "天河区", "detail": "天河路 385 号",
    }  # fmt: skip


async def test_a_tampered_pdd_push_is_401(system: System, api: Api, p: Platforms) -> None:
    body = pdd_order(p, "240501-000000000000001")
    await assert_refused(
        system, api, "pdd", tampered(body, b"goods_count%22%3A2", b"goods_count%22%3A7"), FORM
    )
