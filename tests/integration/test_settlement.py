"""Supplier settlement on the real broker and store: orders shipped over two periods, a return
received and the operator's adjustments (a refund charged back, a reship paid for) give exact
statements; the moves open -> issued -> confirmed -> paid, the wrong ones refused; the CSV
equals the JSON; the settlement price is required of new SKUs and flagged where missing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from schemas.events import ReturnedLine, ReturnReceived
from tests.support.api import Api, Party, bearer, unique
from tests.support.flows import Scene, scene, wait_status
from tests.support.system import System, eventually
from workers.settlement.queries import SettlementQueries

PRICE, SETTLED = 1000, 700


async def ship(system: System, api: Api, s: Scene, key: str) -> str:
    """Ship the order's one sub-order; its id."""
    sub_id: str = (await api.order(key))["sub_orders"][0]["id"]
    body = {"carrier": "SF", "tracking_no": unique("SF")}
    url = f"/v1/supplier/orders/{sub_id}/shipments"
    await api.ok(await api.http.post(url, json=body, headers=bearer(s.supplier.key)), 202)
    await wait_status(system, key, "shipped")
    return sub_id


async def routed(system: System, api: Api, s: Scene, lines: list[tuple[str, int]]) -> str:
    key: str = (await api.place(s.shop, unique("ST"), lines)).json()["order_key"]
    await wait_status(system, key, "routed")
    return key


async def holding(api: Api, supplier: Party, key: str, count: int = 1) -> dict[str, Any]:
    """The operator's view of the supplier's statement holding line `key`, once it has `count` lines."""

    async def probe() -> dict[str, Any] | None:
        page = await api.ok(
            await api.http.get(
                "/v1/settlement/statements", params={"supplier_id": supplier.id}, headers=api.admin
            ),
            200,
        )
        for summary in page["items"]:
            found = await statement(api, summary["id"])
            if any(line["key"] == key for line in found["items"]) and len(found["items"]) == count:
                return found
        return None

    return await eventually(probe, what=f"a statement holding {key} with {count} lines")


async def statement(api: Api, statement_id: str) -> dict[str, Any]:
    url = f"/v1/settlement/statements/{statement_id}"
    result: dict[str, Any] = await api.ok(await api.http.get(url, headers=api.admin), 200)
    return result


async def adjust(api: Api, supplier: Party, amount: int, sub_order_id: str, reason: str) -> str:
    reference = unique("adj")
    body = {
        "supplier_id": supplier.id,
        "amount": amount,
        "reference": reference,
        "reason": reason,
        "sub_order_id": sub_order_id,
    }
    await api.ok(await api.http.post("/v1/settlement/adjustments", json=body, headers=api.admin), 202)
    return reference


async def act(api: Api, statement_id: str, action: str, status: int, **body: str) -> dict[str, Any]:
    prefix = "/v1/supplier/statements" if action == "confirm" else "/v1/settlement/statements"
    headers = body.pop("key_of", None)
    url = f"{prefix}/{statement_id}/{action}"
    response = await api.http.post(url, json=body or None, headers=bearer(headers) if headers else api.admin)
    result: dict[str, Any] = await api.ok(response, status)
    return result


async def passed(moment: datetime) -> bool:
    return datetime.now(UTC) >= moment


def lines_of(found: dict[str, Any]) -> list[tuple[str, int, int | None, list[str]]]:
    return [
        (line["kind"], line["amount"], line["margin"], line["missing_settlement"]) for line in found["items"]
    ]


async def test_two_periods_of_shipments_returns_and_adjustments_settle_exactly(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=20, funds=50_000, price=PRICE)
    old = await api.listed_sku(
        s.supplier, stock=5, prices={"standard": PRICE, "silver": PRICE, "gold": PRICE}
    )
    # A SKU from before settlement prices were required: stored without one.
    await system.db["skus"].update_one({"_id": old}, {"$unset": {"settlement_price": ""}})
    first = await routed(system, api, s, [(s.sku, 2)])
    second = await routed(system, api, s, [(s.sku, 1), (old, 1)])

    sub_a = await ship(system, api, s, first)
    period_a = await holding(api, s.supplier, f"shipment:{sub_a}")
    end_a = datetime.fromisoformat(period_a["period_end"])
    await eventually(lambda: passed(end_a), what="the first period's end")
    sub_b = await ship(system, api, s, second)
    period_b = await holding(api, s.supplier, f"shipment:{sub_b}")
    assert period_b["period_start"] == period_a["period_end"]

    # One unit of the first order comes back (published as the refunds work does); the second
    # order's refund without return is charged back to the supplier.
    back = ReturnReceived(
        correlation_id=first,
        return_id=unique("ret"),
        order_key=first,
        sub_order_id=sub_a,
        supplier_id=s.supplier.id,
        lines=[ReturnedLine(line=0, sku=s.sku, received=1, damaged=0)],
    )
    await system.edge_runtime.bus.publish(back)
    await system.edge_runtime.bus.publish(back)  # a duplicate reverses nothing more
    period_a = await holding(api, s.supplier, f"return:{back.return_id}", count=2)
    charge_back = await adjust(api, s.supplier, -SETTLED, sub_b, "refund_only: 供应商承担")
    period_b = await holding(api, s.supplier, f"adjustment:{s.supplier.id}:{charge_back}", count=2)

    # The first period ended: the operator issues it; a reship paid for afterwards goes to the next.
    assert (await act(api, period_a["id"], "issue", 200))["status"] == "issued"
    reship = await adjust(api, s.supplier, 300, sub_a, "reship: 补发 1 件")
    period_b = await holding(api, s.supplier, f"adjustment:{s.supplier.id}:{reship}", count=3)

    period_a = await statement(api, period_a["id"])
    assert lines_of(period_a) == [
        ("shipment", 2 * SETTLED, 2 * (PRICE - SETTLED), []),
        ("return", -SETTLED, None, []),
    ]
    assert (period_a["total"], period_a["shipped"], period_a["reversed"], period_a["adjusted"]) == (
        700,
        1400,
        -700,
        0,
    )
    assert (period_a["margin"], period_a["flagged"], period_a["status"]) == (600, 0, "issued")
    assert lines_of(period_b) == [
        ("shipment", SETTLED, 2 * PRICE - SETTLED, [old]),
        ("adjustment", -SETTLED, None, []),
        ("adjustment", 300, None, []),
    ]
    assert (period_b["total"], period_b["flagged"], period_b["status"]) == (300, 1, "open")
    assert [line["flagged"] for line in period_b["items"]] == [True, False, False]
    assert await SettlementQueries(system.db).payable_mismatches() == []

    await moves_refused_then_taken(api, s, period_a["id"], period_b["id"])
    await csv_equals_json(api, s.supplier, period_a["id"])
    await csv_equals_json(api, s.supplier, period_b["id"])


async def moves_refused_then_taken(api: Api, s: Scene, issued: str, still_open: str) -> None:
    key = s.supplier.key
    assert (await act(api, still_open, "confirm", 409, key_of=key))["error"]["code"] == "conflict"
    assert (await act(api, issued, "pay", 409, reference="BANK-0"))["error"]["code"] == "conflict"
    stranger = await api.supplier()
    await act(api, issued, "confirm", 404, key_of=stranger.key)
    own = f"/v1/supplier/statements/{issued}"
    assert (await api.http.get(own, headers=bearer(stranger.key))).status_code == 404
    assert (await act(api, issued, "confirm", 200, key_of=key))["status"] == "confirmed"
    paid = await act(api, issued, "pay", 200, reference="BANK-20261203-1")
    assert paid == {"id": issued, "status": "paid", "payment_reference": "BANK-20261203-1"}
    assert await act(api, issued, "pay", 200, reference="BANK-20261203-1") == paid
    await act(api, issued, "pay", 409, reference="BANK-OTHER")
    assert (await act(api, issued, "issue", 409))["error"]["code"] == "conflict"
    mine = await api.ok(await api.http.get("/v1/supplier/statements", headers=bearer(key)), 200)
    assert {(i["id"], i["status"]) for i in mine["items"]} == {(issued, "paid"), (still_open, "open")}


async def csv_equals_json(api: Api, supplier: Party, statement_id: str) -> None:
    """Both views: the supplier's has neither what the merchant paid nor the margin."""
    for prefix, headers in (
        ("/v1/settlement/statements", api.admin),
        ("/v1/supplier/statements", bearer(supplier.key)),
    ):
        shown = await api.ok(await api.http.get(f"{prefix}/{statement_id}", headers=headers), 200)
        response = await api.http.get(f"{prefix}/{statement_id}.csv", headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [typed(row) for row in rows] == shown["items"]
        assert ("margin" in shown["items"][0]) == (prefix == "/v1/settlement/statements")


def typed(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as the JSON shows it."""
    numbers = {k: None if row[k] == "" else int(row[k]) for k in ("amount", "charged", "margin") if k in row}
    texts = {k: row[k] or None for k in ("order_key", "sub_order_id", "reason", "reference")}
    return {
        **row,
        **numbers,
        **texts,
        "flagged": row["flagged"] == "True",
        "missing_settlement": row["missing_settlement"].split(),
    }


async def test_a_new_sku_needs_a_settlement_price_and_an_old_one_gets_it_by_a_price_change(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=5, funds=10_000, price=PRICE)
    code = unique("SKU")
    body = {
        "name": "保温杯",
        "category": "家居",
        "brand": "聚合",
        "skus": [{"sku": code, "tier_prices": {"standard": 1200, "silver": 1100, "gold": 1000}, "stock": 1}],
    }
    refused = await api.http.post("/v1/supplier/products", json=body, headers=bearer(s.supplier.key))
    assert refused.status_code == 422
    assert refused.json()["error"]["message"].startswith("skus.0.settlement_price: required")
    assert await system.db["skus"].count_documents({"_id": code}) == 0

    await system.db["skus"].update_one({"_id": s.sku}, {"$unset": {"settlement_price": ""}})
    before = await routed(system, api, s, [(s.sku, 1)])
    prices = {"tier_prices": {"standard": PRICE, "silver": PRICE, "gold": PRICE}, "settlement_price": 650}
    url = f"/v1/supplier/skus/{s.sku}/prices"
    changed = await api.ok(await api.http.put(url, json=prices, headers=bearer(s.supplier.key)), 200)
    assert changed == {"sku": s.sku, **prices}
    after = await routed(system, api, s, [(s.sku, 1)])
    assert "unit_settlement" not in (await api.order(before))["lines"][0]
    assert (await api.order(after))["lines"][0]["unit_settlement"] == 650
    # The merchant does not see what the supplier is paid.
    own = await api.http.get(f"/v1/orders/{after}", headers=bearer(s.merchant.key))
    assert "unit_settlement" not in (await api.ok(own, 200))["lines"][0]
    listed = (await api.ok(await api.http.get("/v1/orders", headers=bearer(s.merchant.key)), 200))["items"]
    assert [["unit_settlement" in line for line in order["lines"]] for order in listed] == [[False], [False]]
