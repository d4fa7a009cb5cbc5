"""Logistics tracking end to end: 快递100 pushes and supplier checkpoints, the shop's signed
tracking events, completion, shipping exceptions and shipment corrections."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from juhe.messaging.consumer import HANDLED
from juhe.signing import verify
from tests.conftest import KUAIDI100_SALT
from tests.support.api import Api, Party, Shop, bearer, unique
from tests.support.flows import scene, wait_status
from tests.support.kuaidi100 import push_form, scan
from tests.support.receiver import CallbackReceiver, Received
from tests.support.system import System, eventually

PUSH = "/v1/carriers/kuaidi100/tracking"
ACK = {"result": True, "returnCode": "200", "message": "成功"}
CST = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Parcel:
    key: str
    sub_id: str
    supplier: Party
    shop: Shop
    tracking_no: str
    path: str


def ftime(at: datetime) -> str:
    return at.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S")


def handled(name: str) -> float:
    return HANDLED.labels(name)._value.get()


async def parcel(api: Api, system: System, receiver: CallbackReceiver) -> Parcel:
    """One order of one sub-order, shipped with carrier `yuantong`, its shop on the receiver."""
    s = await scene(api, stock=5, funds=10_000)
    path = f"/track/{unique('shop')}"
    shop = await api.shop(s.merchant, callback_url=receiver.url(path))
    key = (await api.place(shop, unique("T"), [(s.sku, 1)])).json()["order_key"]
    order = await wait_status(system, key, "routed")
    sub_id, tracking_no = order["sub_orders"][0]["id"], unique("YT")
    await ship(api, s.supplier, sub_id, tracking_no)
    await wait_status(system, key, "shipped")
    return Parcel(key, sub_id, s.supplier, shop, tracking_no, path)


async def ship(api: Api, supplier: Party, sub_id: str, tracking_no: str) -> None:
    body = {"carrier": "yuantong", "tracking_no": tracking_no}
    url = f"/v1/supplier/orders/{sub_id}/shipments"
    await api.ok(await api.http.post(url, json=body, headers=bearer(supplier.key)), 202)


async def kuaidi100(
    api: Api, p: Parcel, state: str, scans: list[dict[str, Any]], salt: str = KUAIDI100_SALT
) -> Any:
    body, headers = push_form("yuantong", p.tracking_no, state, scans, salt)
    return await api.http.post(PUSH, content=body, headers=headers)


async def stored(system: System, sub_id: str) -> list[dict[str, Any]]:
    return await system.db["tracking_checkpoints"].find({"sub_order_id": sub_id}).sort("at", -1).to_list()


async def sub_order(system: System, sub_id: str) -> dict[str, Any]:
    doc: dict[str, Any] = await system.db["sub_orders"].find_one({"_id": sub_id})
    return doc


async def log(system: System, key: str, kind: str) -> list[dict[str, Any]]:
    order = await system.db["orders"].find_one({"_id": key})
    return [e for e in order["events"] if e["type"] == kind]


async def test_a_wrongly_signed_push_is_401_and_stores_nothing(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    p = await parcel(api, system, receiver)
    t0 = datetime.now(UTC)
    forged = await kuaidi100(api, p, "3", [scan(ftime(t0), "伪造的签收")], salt="not-the-salt")
    assert forged.status_code == 401
    assert forged.json() == {"error": {"code": "bad_signature", "message": "the push's sign does not match"}}

    good = await kuaidi100(api, p, "1", [scan(ftime(t0), "已揽收")])
    assert (good.status_code, good.json()) == (200, ACK)
    await eventually(lambda: stored(system, p.sub_id), what="the signed push stored")
    assert [c["context"] for c in await stored(system, p.sub_id)] == ["已揽收"]
    assert (await sub_order(system, p.sub_id))["tracking"]["state"] == "picked_up"


async def test_the_same_full_history_twice_stores_each_checkpoint_once(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    p = await parcel(api, system, receiver)
    t0 = datetime.now(UTC) - timedelta(hours=6)
    history = [
        scan(ftime(t0 + timedelta(hours=5)), "【杭州市】已离开杭州转运中心", "在途"),
        scan(ftime(t0 + timedelta(hours=2)), "【杭州市】已到达杭州转运中心", "在途"),
        scan(ftime(t0), "【杭州市】已揽收", "揽收"),
    ]
    before = handled("order.record_tracking")
    for _ in range(2):
        assert (await kuaidi100(api, p, "0", history)).json() == ACK
    await eventually(lambda: _at_least(before + 2), what="both pushes handled")

    assert [c["context"] for c in await stored(system, p.sub_id)] == [s["context"] for s in history]
    assert [e["data"]["state"] for e in await log(system, p.key, "tracking_changed")] == ["in_transit"]
    order = await api.order(p.key)
    [view] = order["sub_orders"]
    assert view["tracking"]["state"] == "in_transit"
    assert [(c["context"], c.get("state")) for c in view["checkpoints"]] == [
        ("【杭州市】已离开杭州转运中心", "in_transit"),
        ("【杭州市】已到达杭州转运中心", "in_transit"),
        ("【杭州市】已揽收", "picked_up"),
    ]


async def _at_least(n: float) -> bool:
    return handled("order.record_tracking") >= n


async def test_the_shop_receives_a_signed_tracking_event_on_each_state_change(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    p = await parcel(api, system, receiver)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    await kuaidi100(api, p, "1", [scan(ftime(t0), "已揽收")])
    await eventually(lambda: _tracking_calls(receiver, p.path, 1), what="picked_up pushed")
    await kuaidi100(api, p, "5", [scan(ftime(t0 + timedelta(hours=2)), "派件中"), scan(ftime(t0), "已揽收")])
    calls = await eventually(lambda: _tracking_calls(receiver, p.path, 2), what="out_for_delivery pushed")

    assert [json.loads(c.body) for c in calls] == [
        {"type": "tracking", "order_id": _order_id(p), "carrier": "yuantong", "tracking_no": p.tracking_no,
         "state": "picked_up", "at": t0.isoformat()},
        {"type": "tracking", "order_id": _order_id(p), "carrier": "yuantong", "tracking_no": p.tracking_no,
         "state": "out_for_delivery", "at": (t0 + timedelta(hours=2)).isoformat()},
    ]  # fmt: skip
    for call in calls:
        assert call.headers["x-juhe-shop"] == p.shop.shop_id
        ts, signature = call.headers["x-juhe-timestamp"], call.headers["x-juhe-signature"]
        assert verify(p.shop.secret, ts, call.body, signature, skew=300)


def _order_id(p: Parcel) -> str:
    return p.key.rsplit(":", 1)[1]


async def _tracking_calls(receiver: CallbackReceiver, path: str, n: int) -> list[Received] | None:
    calls = [c for c in receiver.for_path(path) if json.loads(c.body)["type"] == "tracking"]
    return calls if len(calls) >= n else None


async def test_delivered_on_every_sub_order_completes_the_order(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    s = await scene(api, stock=5, funds=10_000)
    other = await api.supplier()
    other_sku = await api.listed_sku(other, stock=5, prices={"standard": 800, "silver": 800, "gold": 800})
    await eventually(lambda: _on_hand(api, other_sku, 5), what="stock")
    key = (await api.place(s.shop, unique("T"), [(s.sku, 1), (other_sku, 1)])).json()["order_key"]
    order = await wait_status(system, key, "routed")
    by_supplier = {sub["supplier_id"]: sub["id"] for sub in order["sub_orders"]}
    first, second = by_supplier[s.supplier.id], by_supplier[other.id]
    no = unique("YT")
    await ship(api, s.supplier, first, no)
    await ship(api, other, second, unique("SF"))
    await wait_status(system, key, "shipped")

    t0 = datetime.now(UTC) - timedelta(hours=1)
    body, headers = push_form("yuantong", no, "3", [scan(ftime(t0), "已签收", "签收")], KUAIDI100_SALT)
    assert (await api.http.post(PUSH, content=body, headers=headers)).json() == ACK
    await eventually(lambda: _state(system, first, "delivered"), what="first delivered")
    assert (await api.order(key))["status"] == "shipped"

    delivered = {"checkpoints": [{"at": t0.isoformat(), "context": "本人签收", "state": "delivered"}]}
    url = f"/v1/supplier/orders/{second}/tracking"
    taken = await api.ok(await api.http.post(url, json=delivered, headers=bearer(other.key)), 202)
    assert taken == {"id": second, "checkpoints": 1}
    await wait_status(system, key, "completed")
    assert len(await log(system, key, "completed")) == 1


async def _state(system: System, sub_id: str, state: str) -> bool:
    doc = await sub_order(system, sub_id)
    return doc.get("tracking", {}).get("state") == state


async def _on_hand(api: Api, sku: str, n: int) -> bool:
    return (await api.sku(sku))["on_hand"] == n


async def test_each_shipping_exception_kind_is_detected(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    silent, stuck, refused, signed_back, problem = [await parcel(api, system, receiver) for _ in range(5)]
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    await kuaidi100(api, stuck, "0", [scan(ftime(t0), "运输中")])
    await kuaidi100(api, refused, "14", [scan(ftime(t0), "收件人拒签")])
    await kuaidi100(api, signed_back, "4", [scan(ftime(t0), "退回寄件人已签收")])
    await kuaidi100(api, problem, "2", [scan(ftime(t0), "地址不详")])
    for p in (stuck, refused, signed_back, problem):
        await eventually(lambda p=p: _tracked(system, p.sub_id), what="tracked")
    names = ["silent", "stuck", "refused", "signed_back", "problem"]
    mine = {
        p.sub_id: name for p, name in zip([silent, stuck, refused, signed_back, problem], names, strict=True)
    }

    now = await exceptions(api, mine, datetime.now(UTC))
    assert now == {
        ("refused", "refused", t0),
        ("signed_back", "returned_to_sender", t0),
        ("problem", "problem", t0),
    }
    shipped_at = (await sub_order(system, silent.sub_id))["shipment"]["shipped_at"]
    no_pickup = await exceptions(api, mine, shipped_at + timedelta(hours=48), kind="no_pickup")
    assert no_pickup == {("silent", "no_pickup", shipped_at)}
    assert await exceptions(api, mine, shipped_at + timedelta(hours=47), kind="no_pickup") == set()
    later = datetime.now(UTC) + timedelta(hours=73)
    assert await exceptions(api, mine, later) == {
        ("silent", "no_pickup", shipped_at),
        ("stuck", "no_update", t0),
        ("refused", "refused", t0),
        ("refused", "no_update", t0),
        ("problem", "problem", t0),
        ("problem", "no_update", t0),
        ("signed_back", "returned_to_sender", t0),
    }


async def _tracked(system: System, sub_id: str) -> bool:
    return "tracking" in await sub_order(system, sub_id)


async def exceptions(
    api: Api, mine: dict[str, str], now: datetime, kind: str | None = None
) -> set[tuple[str, str, datetime]]:
    """Every page of the list at `now`, narrowed to this test's sub-orders."""
    found: set[tuple[str, str, datetime]] = set()
    params: dict[str, Any] = {"now": now.isoformat(), "limit": 500, **({"kind": kind} if kind else {})}
    while True:
        page = await api.ok(
            await api.http.get("/v1/ops/shipping-exceptions", params=params, headers=api.admin), 200
        )
        for item in page["items"]:
            if item["sub_order_id"] in mine:
                since = datetime.fromisoformat(item["since"])
                found.add((mine[item["sub_order_id"]], item["kind"], since))
        if page["next_cursor"] is None:
            return found
        params["cursor"] = page["next_cursor"]


async def test_three_corrections_are_synced_to_the_shop_and_a_fourth_is_refused(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    p = await parcel(api, system, receiver)
    url = f"/v1/supplier/orders/{p.sub_id}/shipment/corrections"
    numbers = [unique("SF") for _ in range(4)]
    for n, number in enumerate(numbers[:3], start=1):
        body = {"carrier": "shunfeng", "tracking_no": number, "reason": "typo"}
        assert (await api.http.post(url, json=body, headers=bearer(p.supplier.key))).json() == {
            "id": p.sub_id
        }
        await eventually(lambda n=n: _corrections(system, p.sub_id, n), what=f"correction {n}")

    fourth = await api.http.post(
        url, json={"carrier": "shunfeng", "tracking_no": numbers[3]}, headers=bearer(p.supplier.key)
    )
    assert fourth.status_code == 409
    assert fourth.json()["error"]["message"] == "a shipment may be corrected at most 3 times"
    syncs = await eventually(lambda: _correction_syncs(receiver, p.path, 3), what="three syncs")
    assert [
        (s["correction"], s["carrier"], s["tracking_no"], s["previous"]["tracking_no"]) for s in syncs
    ] == [
        (1, "shunfeng", numbers[0], p.tracking_no),
        (2, "shunfeng", numbers[1], numbers[0]),
        (3, "shunfeng", numbers[2], numbers[1]),
    ]
    logged = await log(system, p.key, "shipment_corrected")
    assert [e["data"]["tracking_no"] for e in logged] == numbers[:3]
    await eventually(lambda: _synced_all(system, p.key, 3), what="syncs logged")
    view = (await api.order(p.key))["sub_orders"][0]
    assert view["shipment"]["tracking_no"] == numbers[2]
    assert numbers[3] not in json.dumps(await sub_order(system, p.sub_id), default=str)


async def _corrections(system: System, sub_id: str, n: int) -> bool:
    return len((await sub_order(system, sub_id)).get("corrections", [])) == n


async def _correction_syncs(receiver: CallbackReceiver, path: str, n: int) -> list[dict[str, Any]] | None:
    bodies = [json.loads(c.body) for c in receiver.for_path(path)]
    syncs = sorted(
        (b for b in bodies if b["type"] == "shipment" and "correction" in b), key=lambda b: b["correction"]
    )
    return syncs if len(syncs) >= n else None


async def _synced_all(system: System, key: str, n: int) -> bool:
    return len(await log(system, key, "shipment_correction_synced")) == n


async def test_a_push_for_no_known_parcel_is_accepted_and_ignored_and_a_bad_form_is_422(
    system: System, api: Api
) -> None:
    body, headers = push_form(
        "yuantong", unique("NOPE"), "0", [scan("2026-11-01 08:00:00", "在途")], KUAIDI100_SALT
    )
    assert (await api.http.post(PUSH, content=body, headers=headers)).json() == ACK
    bad = await api.http.post(
        PUSH, content=b"sign=ABC", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_field")


async def test_concurrent_pushes_of_a_growing_history_store_each_checkpoint_once(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    p = await parcel(api, system, receiver)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=12)
    scans = [scan(ftime(t0 + timedelta(hours=h)), f"扫描 {h}", "在途") for h in range(10)]
    histories = [scans[: n + 1][::-1] for n in range(10)] * 2  # each history twice, newest first
    before = handled("order.record_tracking")
    answers = await asyncio.gather(*(kuaidi100(api, p, "0", h) for h in histories))
    assert [a.json() for a in answers] == [ACK] * 20
    await eventually(lambda: _at_least(before + 20), what="every push handled")

    assert [c["context"] for c in await stored(system, p.sub_id)] == [f"扫描 {h}" for h in range(9, -1, -1)]
    tracking = (await sub_order(system, p.sub_id))["tracking"]
    assert (tracking["state"], tracking["first_at"], tracking["last_at"]) == (
        "in_transit",
        t0,
        t0 + timedelta(hours=9),
    )
    assert len(await log(system, p.key, "tracking_changed")) == 1


async def test_a_form_above_the_body_limit_is_413_before_it_is_read(system: System, api: Api) -> None:
    body = b"sign=X&param=" + b"x" * system.settings.max_body_bytes
    answer = await api.http.post(
        PUSH, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (413, "payload_too_large")


async def test_six_concurrent_corrections_apply_exactly_three(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    p = await parcel(api, system, receiver)
    url = f"/v1/supplier/orders/{p.sub_id}/shipment/corrections"
    before = handled("order.correct_shipment")
    bodies = [{"carrier": "shunfeng", "tracking_no": unique("SF")} for _ in range(6)]
    answers = await asyncio.gather(
        *(api.http.post(url, json=b, headers=bearer(p.supplier.key)) for b in bodies)
    )
    assert [a.status_code for a in answers] == [202] * 6  # the edge saw no correction yet
    await eventually(lambda: _handled_at_least("order.correct_shipment", before + 6), what="all handled")

    corrections = (await sub_order(system, p.sub_id))["corrections"]
    assert [c["number"] for c in corrections] == [1, 2, 3]
    assert [c["previous_tracking_no"] for c in corrections[1:]] == [c["tracking_no"] for c in corrections[:2]]
    assert len(await log(system, p.key, "shipment_corrected")) == 3
    refused = await log(system, p.key, "shipment_correction_refused")
    assert {e["data"]["tracking_no"] for e in refused} == {b["tracking_no"] for b in bodies} - {
        c["tracking_no"] for c in corrections
    }
    assert {e["data"]["reason"] for e in refused} == {"a shipment may be corrected at most 3 times"}
    await eventually(lambda: _correction_syncs(receiver, p.path, 3), what="three syncs")
    assert len(await _correction_syncs(receiver, p.path, 3) or []) == 3


async def _handled_at_least(name: str, n: float) -> bool:
    return handled(name) >= n
