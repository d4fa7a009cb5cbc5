"""Rotation: old and new credentials both work during the grace period, then only the new."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from edge_api.auth import hash_key
from juhe.signing import verify
from schemas.applications import RotateApiKey, RotateWebhookSecret
from tests.support.api import Api, Party, bearer, order_body, signed, unique
from tests.support.flows import wait_status
from tests.support.receiver import CallbackReceiver
from tests.support.system import System, eventually
from workers.accounts.handlers.rotation import rotate_api_key, rotate_webhook_secret
from workers.accounts.model import expiry
from workers.accounts.repository import MongoAccountsRepository


async def _wallet_status(api: Api, merchant_id: str, key: str) -> int:
    return (await api.http.get(f"/v1/merchants/{merchant_id}/wallet", headers=bearer(key))).status_code


async def _rotate(api: Api, path: str, token_headers: dict[str, str], grace: int | None) -> dict[str, Any]:
    body = None if grace is None else {"grace_seconds": grace}
    response = await api.http.post(path, json=body, headers=token_headers)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def test_merchant_key_rotation_keeps_both_keys_during_grace(system: System, api: Api) -> None:
    merchant = await api.merchant()
    path = f"/v1/merchants/{merchant.id}/api-keys/rotate"
    first = await _rotate(api, path, bearer(merchant.key), 3600)  # by the merchant itself
    k2 = first["api_key"]
    expires = datetime.fromisoformat(first["previous_key_expires_at"])
    assert timedelta(seconds=3590) < expires - datetime.now(UTC) <= timedelta(seconds=3600)
    assert (
        await _wallet_status(api, merchant.id, merchant.key),
        await _wallet_status(api, merchant.id, k2),
    ) == (
        200,
        200,
    )

    second = await _rotate(api, path, api.admin, 1)  # by the operator, with a short grace
    k3 = second["api_key"]
    await eventually(lambda: _refused(api, merchant.id, k2), what="k2 expired after its grace")
    # k1 keeps the expiry of the first rotation: a later rotation neither extends nor cuts it.
    assert await _wallet_status(api, merchant.id, merchant.key) == 200
    assert await _wallet_status(api, merchant.id, k3) == 200
    k1_doc = await system.db["api_keys"].find_one({"_id": hash_key(merchant.key)})
    assert k1_doc["expires_at"] == expires
    live = await system.db["api_keys"].find({"owner_id": merchant.id, "expires_at": None}).to_list()
    assert [d["_id"] for d in live] == [hashlib.sha256(k3.encode()).hexdigest()]


async def _refused(api: Api, merchant_id: str, key: str) -> bool:
    return await _wallet_status(api, merchant_id, key) == 401


async def test_supplier_key_rotation_without_grace_and_who_may_rotate(system: System, api: Api) -> None:
    supplier, other, merchant = await api.supplier(), await api.supplier(), await api.merchant()
    path = f"/v1/suppliers/{supplier.id}/api-keys/rotate"
    for stranger in (other.key, merchant.key):
        denied = await api.http.post(path, json={}, headers=bearer(stranger))
        assert denied.status_code == 404
    assert await system.db["api_keys"].count_documents({"owner_id": supplier.id}) == 1
    bad = await api.http.post(path, json={"grace_seconds": -1}, headers=api.admin)
    assert (bad.status_code, bad.json()["error"]["message"][:14]) == (422, "grace_seconds:")

    rotated = await _rotate(api, path, bearer(supplier.key), 0)
    old = await api.http.get("/v1/supplier/orders", headers=bearer(supplier.key))
    new = await api.http.get("/v1/supplier/orders", headers=bearer(rotated["api_key"]))
    assert (old.status_code, new.status_code) == (401, 200)
    sku = await api.listed_sku(Party(supplier.id, rotated["api_key"]), stock=1)
    assert (await api.sku(sku))["supplier_id"] == supplier.id
    unknown = await api.http.post("/v1/merchants/mch_nobody/api-keys/rotate", headers=api.admin)
    assert unknown.status_code == 404

    await MongoAccountsRepository(system.db).purge_expired_keys(datetime.now(UTC))
    kept = await system.db["api_keys"].find({"owner_id": supplier.id}).to_list()
    assert [k["_id"] for k in kept] == [hash_key(rotated["api_key"])]


async def test_default_grace_comes_from_settings(system: System, api: Api) -> None:
    merchant = await api.merchant()
    rotated = await _rotate(api, f"/v1/merchants/{merchant.id}/api-keys/rotate", api.admin, None)
    expires = datetime.fromisoformat(rotated["previous_key_expires_at"])
    grace = timedelta(seconds=system.settings.key_rotation_grace_seconds)
    assert grace - timedelta(seconds=10) < expires - datetime.now(UTC) <= grace


async def test_a_redelivered_key_rotation_rotates_once(system: System, api: Api) -> None:
    """The same command twice is one rotation; an older one arriving late does not cut a newer key."""
    merchant = await api.merchant()
    repo = MongoAccountsRepository(system.db)
    t0 = datetime.now(UTC)
    first = RotateApiKey(
        correlation_id=merchant.id,
        kind="merchant",
        owner_id=merchant.id,
        new_key_hash="a" * 64,
        grace_seconds=60,
    )
    later = RotateApiKey(
        correlation_id=merchant.id,
        kind="merchant",
        owner_id=merchant.id,
        new_key_hash="b" * 64,
        grace_seconds=60,
        occurred_at=t0 + timedelta(seconds=5),
    )
    assert await rotate_api_key(first, repo=repo) == await rotate_api_key(first, repo=repo)
    await rotate_api_key(later, repo=repo)
    await rotate_api_key(first, repo=repo)  # a late redelivery
    keys = {
        d["_id"]: d["expires_at"]
        for d in await system.db["api_keys"].find({"owner_id": merchant.id}).to_list()
    }
    assert keys == {
        hash_key(merchant.key): expiry(first.occurred_at, 60),
        "a" * 64: expiry(later.occurred_at, 60),
        "b" * 64: None,
    }


async def test_shop_secret_rotation_keeps_the_previous_secret_with_its_expiry(
    system: System, api: Api
) -> None:
    merchant, other = await api.merchant(), await api.merchant()
    shop = await api.shop(merchant)
    path = f"/v1/merchants/{merchant.id}/shops/generic/{shop.shop_id}/webhook-secret/rotate"
    denied = await api.http.post(path, json={}, headers=bearer(other.key))
    assert denied.status_code == 404
    elsewhere = f"/v1/merchants/{other.id}/shops/generic/{shop.shop_id}/webhook-secret/rotate"
    assert (await api.http.post(elsewhere, headers=api.admin)).status_code == 404

    rotated = await _rotate(api, path, bearer(merchant.key), 600)
    stored = await system.db["shops"].find_one({"_id": f"generic:{shop.shop_id}"})
    assert stored["webhook_secret"] == rotated["webhook_secret"] != shop.secret
    assert stored["previous_webhook_secret"] == shop.secret
    assert stored["previous_secret_expires_at"] == datetime.fromisoformat(
        rotated["previous_secret_expires_at"]
    )
    body = order_body(unique("ROT"), [("NO-SUCH-SKU", 1)])
    accepted = await api.http.post(
        "/v1/webhooks/generic/orders",
        content=body,
        headers=signed(shop, body, secret=rotated["webhook_secret"]),
    )
    assert accepted.status_code == 202


async def test_a_redelivered_secret_rotation_rotates_once(system: System, api: Api) -> None:
    merchant = await api.merchant()
    shop = await api.shop(merchant)
    repo = MongoAccountsRepository(system.db)
    common: dict[str, Any] = {"correlation_id": merchant.id, "owner_id": merchant.id, "grace_seconds": 60}
    where = {"platform": "generic", "shop_id": shop.shop_id}
    first = RotateWebhookSecret(**common, **where, new_secret="shsec_first")
    later = RotateWebhookSecret(
        **common, **where, new_secret="shsec_later", occurred_at=first.occurred_at + timedelta(seconds=5)
    )
    assert await rotate_webhook_secret(first, repo=repo) == await rotate_webhook_secret(first, repo=repo)
    await rotate_webhook_secret(later, repo=repo)
    late = await rotate_webhook_secret(first, repo=repo)
    assert late[0]["error"]["code"] == "conflict"
    stored = await system.db["shops"].find_one({"_id": f"generic:{shop.shop_id}"})
    assert (stored["webhook_secret"], stored["previous_webhook_secret"]) == ("shsec_later", "shsec_first")


async def test_supplier_pushes_are_signed_with_the_rotated_secret(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    path = f"/erp/{unique('rot')}"
    created = await api.ok(
        await api.http.post(
            "/v1/suppliers",
            json={"name": unique("erp"), "delivery": {"mode": "webhook", "url": receiver.url(path)}},
            headers=api.admin,
        ),
        201,
    )
    supplier = Party(created["id"], created["api_key"])
    rotated = await _rotate(
        api, f"/v1/suppliers/{supplier.id}/webhook-secret/rotate", bearer(supplier.key), 60
    )
    stored = await system.db["suppliers"].find_one({"_id": supplier.id})
    assert (stored["webhook_secret"], stored["previous_webhook_secret"]) == (
        rotated["webhook_secret"],
        created["webhook_secret"],
    )

    merchant = await api.merchant()
    shop = await api.shop(merchant)
    await api.top_up(merchant, 10_000)
    sku = await api.listed_sku(supplier, stock=3)
    await eventually(lambda: _on_hand(api, sku, 3), what="stock")
    key = (await api.place(shop, unique("ROTPUSH"), [(sku, 1)])).json()["order_key"]
    await wait_status(system, key, "routed")
    [push] = await eventually(lambda: _pushes(receiver, path), what="push")
    headers = push.headers
    assert json.loads(push.body)["order_key"] == key
    args = (headers["x-juhe-timestamp"], push.body, headers["x-juhe-signature"])
    assert verify(rotated["webhook_secret"], *args, skew=300)
    assert not verify(created["webhook_secret"], *args, skew=300)


async def _on_hand(api: Api, sku: str, stock: int) -> bool:
    return (await api.sku(sku))["on_hand"] == stock


async def _pushes(receiver: CallbackReceiver, path: str) -> list[Any]:
    return receiver.for_path(path)


async def test_an_accounts_key_and_secret_rotate_apart_from_the_main_key(system: System, api: Api) -> None:
    """Rotating an account's key leaves the main key alone, and the new key is still that account's."""
    supplier = await api.supplier()
    body = {"name": unique("erp"), "channel": "erp", "delivery": {"mode": "pull"}}
    created = await api.http.post("/v1/supplier/accounts", json=body, headers=bearer(supplier.key))
    acc = await api.ok(created, 201)
    base = f"/v1/suppliers/{supplier.id}/accounts/{acc['id']}"
    as_account = await api.http.post(f"{base}/api-keys/rotate", json={}, headers=bearer(acc["api_key"]))
    assert as_account.status_code == 404  # an account cannot rotate itself, only its supplier

    rotated = await _rotate(api, f"{base}/api-keys/rotate", bearer(supplier.key), 0)
    statuses = [
        (await api.http.get("/v1/supplier/orders", headers=bearer(key))).status_code
        for key in (acc["api_key"], rotated["api_key"], supplier.key)
    ]
    assert statuses == [401, 200, 200]
    new_key = await system.db["api_keys"].find_one({"_id": hash_key(rotated["api_key"])})
    assert (new_key["owner_id"], new_key["account_id"]) == (supplier.id, acc["id"])

    secret = await _rotate(api, f"{base}/webhook-secret/rotate", api.admin, 60)
    stored = await system.db["supplier_accounts"].find_one({"_id": acc["id"]})
    assert (stored["webhook_secret"], stored["previous_webhook_secret"]) == (
        secret["webhook_secret"],
        acc["webhook_secret"],
    )
    unknown = await api.http.post(
        f"/v1/suppliers/{supplier.id}/accounts/acc_nobody/api-keys/rotate", headers=api.admin
    )
    assert unknown.status_code == 404
