"""Sales on the real broker and store: after orders, duplicate pushes, redelivered events,
refunds, a cancellation and a shipment, every roll-up equals its facts and the summary equals a
recomputation from the orders; a live client sees changes and, reconnected, holds the summary."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from schemas.envelope import Event
from schemas.events import OrderClosed, OrderRefunded, OrderRouted, RefundedLine
from tests.support.api import Api, Party, bearer, unique
from tests.support.flows import Scene, scene, wait_status
from tests.support.sse import LiveView, following, served
from tests.support.system import System, eventually
from workers.order.queries import OrderView
from workers.sales.queries import SalesQueries

SHOWN = (
    "orders",
    "units",
    "revenue",
    "cost",
    "refunded",
    "refunded_units",
    "shipped_units",
    "cancelled_orders",
)


def today() -> str:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0).isoformat()


async def summary(api: Api, headers: dict[str, str], **params: str) -> Any:
    response = await api.http.get("/v1/sales/summary", params={"from": today(), **params}, headers=headers)
    return await api.ok(response, 200)


async def publish_twice(system: System, event: Event) -> None:
    """Straight through the broker, twice: a duplicate and a redelivery look the same to a consumer."""
    for _ in range(2):
        await system.edge_runtime.bus.publish(event)


async def second_sku(api: Api, s: Scene, price: int) -> str:
    sku = await api.listed_sku(
        s.supplier, stock=50, prices={"standard": price, "silver": price, "gold": price}
    )
    await eventually(lambda: _on_hand(api, sku, 50), what="stock visible")
    return sku


async def _on_hand(api: Api, sku: str, count: int) -> bool:
    return (await api.sku(sku))["on_hand"] == count


async def place_twice(api: Api, s: Scene, lines: list[tuple[str, int]]) -> str:
    order_id = unique("S")
    first = await api.place(s.shop, order_id, lines)
    again = await api.place(s.shop, order_id, lines)
    assert first.json() == again.json()
    key: str = first.json()["order_key"]
    return key


def refund(key: str, merchant: Party, kind: str, lines: list[RefundedLine]) -> OrderRefunded:
    credit = unique("credit")
    amount = sum(line.amount for line in lines)
    return OrderRefunded(
        correlation_id=key,
        order_key=key,
        merchant_id=merchant.id,
        refund_id=unique("rf"),
        credit_id=credit,
        kind=kind,
        lines=lines,
        amount=amount,  # type: ignore[arg-type]
    )


async def ship(api: Api, supplier: Party, key: str) -> None:
    headers = bearer(supplier.key)
    listing = (await api.http.get("/v1/supplier/orders?status=routed", headers=headers)).json()
    mine = next(s for s in listing["items"] if s["order_key"] == key)
    body = {"carrier": "SF", "tracking_no": unique("SF")}
    await api.ok(
        await api.http.post(f"/v1/supplier/orders/{mine['id']}/shipments", json=body, headers=headers), 202
    )


def recompute(
    orders: list[OrderView], refunds: list[OrderRefunded], shipped: set[str], closed: set[str]
) -> dict[str, dict[str, int]]:
    """The summary by SKU, from the orders themselves and the credits published for them."""
    rows: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SHOWN, 0))
    for order in orders:
        for i, (line, charge) in enumerate(zip(order.lines, order.line_charges, strict=True)):
            row = rows[line.sku]
            first = line.sku not in {earlier.sku for earlier in order.lines[:i]}
            row["orders"] += first
            row["cancelled_orders"] += first and order.order_key in closed
            row["units"] += line.qty
            row["revenue"] += line.qty * line.unit_price
            row["cost"] += charge
            row["shipped_units"] += line.qty if order.order_key in shipped else 0
    for credit in refunds:
        for refunded in credit.lines:
            rows[refunded.sku]["refunded"] += refunded.amount
            rows[refunded.sku]["refunded_units"] += refunded.qty
    return dict(rows)


def shown(items: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    return {item["key"]: {name: item[name] for name in SHOWN} for item in items}


async def test_after_a_mixed_run_every_roll_up_equals_its_facts_and_the_orders(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=50, funds=1_000_000, price=1000)
    cheap = await second_sku(api, s, 700)
    keys = [
        await place_twice(api, s, [(s.sku, 2)]),
        await place_twice(api, s, [(s.sku, 1), (cheap, 3)]),
        await place_twice(api, s, [(cheap, 1)]),
    ]
    for key in keys:
        await wait_status(system, key, "routed")
    await publish_twice(
        system, OrderRouted(correlation_id=keys[0], order_key=keys[0], merchant_id=s.merchant.id)
    )
    returned = refund(keys[1], s.merchant, "return", [RefundedLine(line=1, sku=cheap, qty=2, amount=1400)])
    cancelled = refund(keys[2], s.merchant, "cancel", [RefundedLine(line=0, sku=cheap, qty=1, amount=700)])
    closed = OrderClosed(
        correlation_id=keys[2], order_key=keys[2], merchant_id=s.merchant.id, status="cancelled"
    )
    for event in (returned, cancelled, closed):
        await publish_twice(system, event)
    await ship(api, s.supplier, keys[0])
    await wait_status(system, keys[0], "shipped")

    orders = [OrderView.model_validate(await api.order(key)) for key in keys]
    expected = recompute(orders, [returned, cancelled], shipped={keys[0]}, closed={keys[2]})
    assert expected[cheap]["refunded"] == 2100
    mine = {"merchant_id": s.merchant.id, "group_by": "sku"}

    async def settled() -> dict[str, dict[str, int]] | None:
        found = shown((await summary(api, api.admin, **mine))["items"])
        return found if found == expected else None

    await eventually(settled, what="the summary of the orders")
    await eventually(lambda: _all_rolled_up(system), what="every roll-up equal to its facts")
    as_merchant = await summary(api, bearer(s.merchant.key), group_by="sku")
    assert shown(as_merchant["items"]) == expected
    as_supplier = await summary(api, bearer(s.supplier.key), group_by="merchant")
    assert shown(as_supplier["items"])[s.merchant.id]["units"] == 2 + 1 + 3 + 1
    row = as_merchant["items"][0]
    assert row["margin"] == row["revenue"] - row["refunded_revenue"] - row["cost"] + row["refunded"]
    await the_other_views_agree(api, mine, as_merchant["items"])


async def the_other_views_agree(api: Api, mine: dict[str, str], items: list[dict[str, Any]]) -> None:
    """CSV rows, the series summed per key and the top by units all read the same roll-ups."""
    params = {"from": today(), **mine}
    text = (await api.http.get("/v1/sales/summary.csv", params=params, headers=api.admin)).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [{k: str(v) for k, v in item.items()} for item in items] == rows
    series_params = {**params, "metric": "units", "granularity": "day"}
    series = await api.ok(
        await api.http.get("/v1/sales/timeseries", params=series_params, headers=api.admin), 200
    )
    assert {p["key"]: p["value"] for p in series["items"]} == {item["key"]: item["units"] for item in items}
    top_params = {**params, "by": "sku", "metric": "units", "n": "1"}
    top = await api.ok(await api.http.get("/v1/sales/top", params=top_params, headers=api.admin), 200)
    most = max(items, key=lambda item: item["units"])
    assert (top["by"], top["metric"], top["items"]) == ("sku", "units", [most])


async def test_a_merchant_sees_only_its_own_slice(api: Api) -> None:
    merchant, other = await api.merchant(), await api.merchant()
    headers = bearer(merchant.key)
    foreign = await api.http.get("/v1/sales/summary", params={"merchant_id": other.id}, headers=headers)
    assert (foreign.status_code, foreign.json()["error"]["code"]) == (404, "not_found")
    by_category = await api.http.get("/v1/sales/summary", params={"group_by": "category"}, headers=headers)
    assert (by_category.status_code, by_category.json()["error"]["code"]) == (403, "forbidden")
    empty = await api.ok(await api.http.get("/v1/sales/summary", headers=headers), 200)
    assert empty == {"items": []}
    backwards = {"from": "2026-12-03T00:00:00Z", "to": "2026-12-02T00:00:00Z"}
    refused = await api.http.get("/v1/sales/summary", params=backwards, headers=headers)
    assert (refused.status_code, refused.json()["error"]["message"]) == (422, "from: must be before to")


async def test_a_live_client_sees_a_change_and_after_reconnecting_holds_the_summary(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=50, funds=1_000_000, price=1000)
    headers = bearer(s.merchant.key)
    path = f"/v1/sales/stream?group_by=sku&from={today().replace('+', '%2B')}"
    view = LiveView()
    async with served(system.app) as base:
        async with following(base, path, headers, view):
            await eventually(lambda: _holds(view, "snapshot"), what="a snapshot")
            await place_twice(api, s, [(s.sku, 2)])
            await eventually(lambda: _units(view, s.sku, 2), what="the first sale streamed")
        resumed_from = view.last_id
        key = await place_twice(api, s, [(s.sku, 3)])
        await wait_status(system, key, "routed")
        credit = refund(key, s.merchant, "refund_only", [RefundedLine(line=0, sku=s.sku, qty=1, amount=1000)])
        await publish_twice(system, credit)
        async with following(base, path, headers, view):
            expected = await eventually(lambda: _summary_held(api, headers, view), what="the summary held")
        assert resumed_from is not None
        assert view.kinds.count("snapshot") == 1
        assert view.totals("units") == {s.sku: 5}
        assert view.totals("refunded") == {s.sku: 1000}
        fresh = LiveView()
        async with following(base, path, headers, fresh):
            await eventually(lambda: _holds(fresh, "snapshot"), what="a fresh snapshot")
        assert {k: fresh.totals(k) for k in SHOWN} == expected


async def _all_rolled_up(system: System) -> bool:
    """No roll-up differs from its facts (a batch being written shows as a passing difference)."""
    return await SalesQueries(system.db).rollup_mismatches() == []


async def _holds(view: LiveView, kind: str) -> bool:
    return kind in view.kinds


async def _units(view: LiveView, sku: str, units: int) -> bool:
    return view.totals("units").get(sku) == units


async def _summary_held(
    api: Api, headers: dict[str, str], view: LiveView
) -> dict[str, dict[str, int]] | None:
    items = (await summary(api, headers, group_by="sku"))["items"]
    wanted = {name: {item["key"]: item[name] for item in items} for name in SHOWN}
    held = {name: view.totals(name) for name in SHOWN}
    return wanted if wanted == held and items and items[0]["refunded"] else None
