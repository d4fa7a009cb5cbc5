"""Online signing: apply, review, fetch the credentials exactly once, use the new account."""

from __future__ import annotations

import hashlib
from typing import Any

from tests.support.api import Api, bearer, unique
from tests.support.applicant import applicant_client, application, fetch_credentials
from tests.support.system import System


async def _apply(system: System, body: dict[str, Any]) -> dict[str, Any]:
    async with applicant_client(system) as client:
        response = await client.post("/v1/applications", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


async def test_merchant_application_approved_credentials_fetched_once(system: System, api: Api) -> None:
    applied = await _apply(system, application("merchant"))
    app_id, token = applied["id"], applied["application_token"]
    assert applied["status"] == "pending"
    assert token.startswith("apptok_")
    async with applicant_client(system) as client:
        early = await fetch_credentials(client, app_id, token)
        assert (early.status_code, early.json()["error"]["code"]) == (409, "conflict")
        wrong = await fetch_credentials(client, app_id, "apptok_not-the-token")
        assert wrong.status_code == 401

        approved = await api.ok(
            await api.http.post(
                f"/v1/applications/{app_id}/approve", json={"tier": "gold"}, headers=api.admin
            ),
            200,
        )
        assert (approved["status"], approved["tier"]) == ("approved", "gold")
        merchant_id = approved["account_id"]
        assert (await system.db["merchants"].find_one({"_id": merchant_id}))["tier"] == "gold"

        first = await fetch_credentials(client, app_id, token)
        assert first.status_code == 200, first.text
        creds = first.json()
        assert set(creds) == {"account_id", "kind", "api_key"}
        assert (creds["account_id"], creds["kind"]) == (merchant_id, "merchant")
        stored_before = await system.db["applications"].find_one({"_id": app_id})

        second = await fetch_credentials(client, app_id, token)
        assert (second.status_code, second.json()["error"]["code"]) == (410, "gone")

    # The second fetch changed nothing: one key, the same issue marker, no plaintext anywhere.
    keys = await system.db["api_keys"].find({"owner_id": merchant_id}).to_list()
    assert [k["_id"] for k in keys] == [hashlib.sha256(creds["api_key"].encode()).hexdigest()]
    stored = await system.db["applications"].find_one({"_id": app_id})
    assert stored == stored_before
    assert creds["api_key"] not in str(stored)
    assert token not in str(stored)
    wallet = await api.http.get(f"/v1/merchants/{merchant_id}/wallet", headers=bearer(creds["api_key"]))
    empty = {"balance": 0, "entries": [], "credit_limit": 0, "pending": 0}
    assert (wallet.status_code, wallet.json()) == (200, empty)
    again = await api.http.post(f"/v1/applications/{app_id}/approve", headers=api.admin)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "conflict")


async def test_supplier_application_gets_key_and_secret_and_creates_a_product(
    system: System, api: Api
) -> None:
    applied = await _apply(system, application("supplier"))
    approved = await api.ok(
        await api.http.post(f"/v1/applications/{applied['id']}/approve", headers=api.admin), 200
    )
    assert (approved["status"], approved["tier"]) == ("approved", None)
    async with applicant_client(system) as client:
        creds = (await fetch_credentials(client, applied["id"], applied["application_token"])).json()
    assert creds["kind"] == "supplier"
    assert creds["webhook_secret"].startswith("whsec_")
    supplier = await system.db["suppliers"].find_one({"_id": creds["account_id"]})
    assert (supplier["delivery"], supplier["webhook_secret"]) == ({"mode": "pull"}, creds["webhook_secret"])
    product = {
        "name": "保温杯",
        "category": "家居",
        "brand": "聚合",
        "skus": [
            {
                "sku": unique("APP"),
                "tier_prices": {"standard": 900, "silver": 850, "gold": 800},
                "settlement_price": 700,
            }
        ],
    }
    created = await api.http.post("/v1/supplier/products", json=product, headers=bearer(creds["api_key"]))
    assert (created.status_code, created.json()["status"]) == (201, "pending_review")


async def test_rejected_application_keeps_its_reason_and_opens_no_account(system: System, api: Api) -> None:
    body = application("merchant")
    applied = await _apply(system, body)
    app_id = applied["id"]
    url = f"/v1/applications/{app_id}/reject"
    no_reason = await api.http.post(url, json={}, headers=api.admin)
    assert (no_reason.status_code, no_reason.json()["error"]["message"]) == (422, "reason: Field required")
    rejected = await api.ok(
        await api.http.post(url, json={"reason": "营业执照已过期"}, headers=api.admin), 200
    )
    assert (rejected["status"], rejected["reason"], rejected["account_id"]) == (
        "rejected",
        "营业执照已过期",
        None,
    )

    shown = await api.ok(await api.http.get(f"/v1/applications/{app_id}", headers=api.admin), 200)
    assert (shown["status"], shown["reason"], shown["account_id"]) == ("rejected", "营业执照已过期", None)
    assert "token_hash" not in shown
    approve = await api.http.post(f"/v1/applications/{app_id}/approve", headers=api.admin)
    assert approve.status_code == 409
    async with applicant_client(system) as client:
        fetch = await fetch_credentials(client, app_id, applied["application_token"])
    assert fetch.status_code == 409
    assert await system.db["merchants"].count_documents({"name": body["company_name"]}) == 0
    # The decision frees the licence: the company may apply again.
    assert (await _apply(system, body))["status"] == "pending"


async def test_bad_and_duplicate_applications_are_refused(system: System, api: Api) -> None:
    body = application("supplier")
    async with applicant_client(system) as client:
        no_delivery = await client.post("/v1/applications", json={**body, "delivery": None})
        bad_phone = await client.post(
            "/v1/applications", json={**body, "contact": {"name": "李", "phone": "x"}}
        )
        bad_kind = await client.post("/v1/applications", json={**body, "kind": "broker"})
        first = await client.post("/v1/applications", json=body)
        duplicate = await client.post("/v1/applications", json={**body, "company_name": "别的公司"})
    assert (no_delivery.status_code, no_delivery.json()["error"]["message"]) == (
        422,
        "delivery: required when kind is supplier",
    )
    assert bad_phone.status_code == 422
    assert bad_phone.json()["error"]["message"].startswith("contact.phone:")
    assert bad_kind.json()["error"]["message"].startswith("kind:")
    assert first.status_code == 201
    assert (duplicate.status_code, duplicate.json()["error"]["code"]) == (409, "conflict")
    assert await system.db["applications"].count_documents({"licence_no": body["licence_no"]}) == 1
    # The same licence as a merchant is a different application.
    merchant = application("merchant", licence_no=body["licence_no"])
    assert (await _apply(system, merchant))["status"] == "pending"


async def test_operator_lists_applications_by_status_page_by_page(system: System, api: Api) -> None:
    ids = [(await _apply(system, application("merchant")))["id"] for _ in range(3)]
    await api.ok(await api.http.post(f"/v1/applications/{ids[0]}/approve", headers=api.admin), 200)
    pending: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"status": "pending", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await api.ok(await api.http.get("/v1/applications", params=params, headers=api.admin), 200)
        assert len(page["items"]) <= 2
        pending += [item["id"] for item in page["items"]]
        assert all(item["status"] == "pending" for item in page["items"])
        if (cursor := page["next_cursor"]) is None:
            break
    assert set(ids[1:]) <= set(pending)
    assert ids[0] not in pending
    approved = await api.ok(
        await api.http.get("/v1/applications?status=approved&limit=500", headers=api.admin), 200
    )
    assert ids[0] in [item["id"] for item in approved["items"]]
    anonymous = await api.http.get("/v1/applications")
    assert anonymous.status_code == 401


async def test_applications_are_rate_limited_per_address(system: System, api: Api) -> None:
    burst = system.settings.application_rate_burst
    bodies = [application() for _ in range(burst + 1)]
    async with applicant_client(system) as client:
        answers = [await client.post("/v1/applications", json=body) for body in bodies]
    assert [a.status_code for a in answers] == [201] * burst + [429]
    limited = answers[-1]
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) >= 1
    ids = [a.json()["id"] for a in answers[:burst]]
    assert await system.db["applications"].count_documents({"_id": {"$in": ids}}) == burst
    assert await system.db["applications"].count_documents({"licence_no": bodies[-1]["licence_no"]}) == 0
    # Another address is not affected.
    assert (await _apply(system, application()))["status"] == "pending"
