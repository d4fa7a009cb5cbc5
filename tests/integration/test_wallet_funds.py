"""Merchant funds on the real broker and store: the credit limit, pending, the statement (JSON
pages and the CSV stream of the same filter) and the low-balance alert pushes."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from juhe.signing import verify
from tests.support.api import Api, Party, unique
from tests.support.flows import scene, wait_status
from tests.support.receiver import CallbackReceiver
from tests.support.system import System, eventually


async def settings(api: Api, merchant: Party, body: dict[str, Any], status: int = 200) -> Any:
    url = f"/v1/merchants/{merchant.id}/wallet/settings"
    return await api.ok(await api.http.put(url, json=body, headers=api.admin), status)


async def adjust(api: Api, merchant: Party, amount: int) -> None:
    body = {"amount": amount, "reference": unique("adj"), "reason": "盘点修正"}
    url = f"/v1/merchants/{merchant.id}/wallet/adjustments"
    await api.ok(await api.http.post(url, json=body, headers=api.admin), 202)


async def settle(api: Api, merchant: Party, balance: int) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        wallet = await api.wallet(merchant)
        return wallet if wallet["balance"] == balance else None

    return await eventually(probe, what=f"balance {balance}")


async def test_a_debit_reaches_minus_the_limit_and_one_more_fen_waits_for_funds(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=10, funds=0, price=1000)
    assert await settings(api, s.merchant, {"credit_limit": 1000}) == {
        "merchant_id": s.merchant.id,
        "credit_limit": 1000,
        "low_balance_threshold": None,
        "notify_url": None,
        "notify_secret": None,
    }
    paid = (await api.place(s.shop, unique("LIM"), [(s.sku, 1)])).json()["order_key"]
    await wait_status(system, paid, "routed")
    one_fen = await api.listed_sku(s.supplier, stock=5, prices={"standard": 1, "silver": 1, "gold": 1})
    waiting = (await api.place(s.shop, unique("LIM"), [(one_fen, 1)])).json()["order_key"]
    await wait_status(system, waiting, "awaiting_funds")
    wallet = await api.wallet(s.merchant)
    assert (wallet["balance"], wallet["credit_limit"], wallet["pending"]) == (-1000, 1000, 1)
    refused = await settings(api, s.merchant, {"credit_limit": 999}, status=409)
    assert refused["error"]["code"] == "conflict"


async def test_the_statement_balances_and_its_csv_equals_its_json_pages(api: Api) -> None:
    merchant = await api.merchant()
    await api.top_up(merchant, 5000)
    await settle(api, merchant, 5000)
    start = datetime.now(UTC)
    for amount, balance in ((-700, 4300), (1200, 5500), (-300, 5200)):
        await adjust(api, merchant, amount)
        await settle(api, merchant, balance)
    await api.top_up(merchant, 100)
    await settle(api, merchant, 5300)
    end = datetime.now(UTC)
    await adjust(api, merchant, -1)
    await settle(api, merchant, 5299)

    period = {"from": start.isoformat(), "to": end.isoformat()}
    pages = await statement_pages(api, merchant, {**period, "limit": 2})
    entries = [e for page in pages for e in page["items"]]
    assert (pages[0]["opening_balance"], pages[0]["closing_balance"]) == (5000, 5300)
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in entries] == [
        ("adjustment", -700, 4300),
        ("adjustment", 1200, 5500),
        ("adjustment", -300, 5200),
        ("top_up", 100, 5300),
    ]
    assert pages[0]["opening_balance"] + sum(e["amount"] for e in entries) == pages[0]["closing_balance"]
    assert [e["seq"] for e in entries] == [2, 3, 4, 5]
    assert await statement_csv(api, merchant, period) == entries

    only = {**period, "kind": "top_up"}
    [page] = await statement_pages(api, merchant, only)
    assert [e["amount"] for e in page["items"]] == [100]
    assert await statement_csv(api, merchant, only) == page["items"]


async def statement_pages(api: Api, merchant: Party, params: dict[str, Any]) -> list[dict[str, Any]]:
    url = f"/v1/merchants/{merchant.id}/wallet/entries"
    pages = [await api.ok(await api.http.get(url, params=params, headers=bearer_of(merchant)), 200)]
    while pages[-1]["next_cursor"]:
        more = {**params, "cursor": pages[-1]["next_cursor"]}
        pages.append(await api.ok(await api.http.get(url, params=more, headers=bearer_of(merchant)), 200))
    return pages


async def statement_csv(api: Api, merchant: Party, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The CSV rows typed back as the JSON shows them."""
    url = f"/v1/merchants/{merchant.id}/wallet/entries.csv"
    response = await api.http.get(url, params=params, headers=api.admin)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    numbers = ("seq", "amount", "balance_after")
    return [{**r, **{n: int(r[n]) for n in numbers}, "reason": r["reason"] or None} for r in rows]


def bearer_of(party: Party) -> dict[str, str]:
    return {"Authorization": f"Bearer {party.key}"}


async def test_each_downward_crossing_notifies_once_and_staying_below_does_not(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    merchant = await api.merchant()
    url = receiver.url(f"/low/{merchant.id}")
    answer = await settings(api, merchant, {"low_balance_threshold": 1000, "notify_url": url})
    secret = answer["notify_secret"]
    assert secret.startswith("ntsec")
    steps = ((2000, 2000), (-1500, 500), (-100, 400), (1000, 1400), (-500, 900), (-200, 700))
    for amount, balance in steps:
        if amount > 0:
            await api.top_up(merchant, amount)
        else:
            await adjust(api, merchant, amount)
        await settle(api, merchant, balance)

    pushes = await eventually(lambda: _two(receiver.for_path(f"/low/{merchant.id}")), what="two pushes")
    await asyncio.sleep(1.0)  # the steps that stayed below had their chance to push: none did
    assert len(receiver.for_path(f"/low/{merchant.id}")) == 2
    bodies = [json.loads(p.body) for p in pushes]
    assert [(b["seq"], b["balance"], b["threshold"]) for b in bodies] == [(2, 500, 1000), (5, 900, 1000)]
    for push in pushes:
        headers = push.headers
        assert verify(secret, headers["x-juhe-timestamp"], push.body, headers["x-juhe-signature"], skew=60)
    again = await settings(api, merchant, {"low_balance_threshold": 1000, "notify_url": url})
    assert again["notify_secret"] is None  # the same URL keeps its secret, shown once


async def _two(pushes: list[Any]) -> list[Any] | None:
    return pushes if len(pushes) >= 2 else None
