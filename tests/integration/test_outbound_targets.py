"""With JUHE_ALLOW_PRIVATE_TARGETS off, delivery and callback URLs that may reach a non-public
address are refused at creation: 422 naming the field, nothing created or published.

The session's system allows private targets (its receivers are on 127.0.0.1); these tests use a
second edge on the same store and broker that does not. No request is ever sent to the URLs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from edge_api.app import create_app
from juhe.messaging.bus import PUBLISHED
from tests.support.api import Api, Party, bearer, unique
from tests.support.system import System

PRIVATE_URLS = [
    "http://127.0.0.1:15672/api/definitions",
    "http://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/hook",
    "http://[::1]:8080/hook",
    "http://localhost/hook",
]
PUBLIC_LITERAL = "https://93.184.216.34/hook"  # accepted; nothing is sent to it


@pytest.fixture(scope="module")
async def strict(system: System) -> AsyncIterator[Api]:
    settings = system.settings.model_copy(update={"allow_private_targets": False})
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://edge") as http:
            yield Api(http, settings.admin_token)


@pytest.fixture(scope="module")
async def supplier(api: Api) -> Party:
    return await api.supplier()


def published() -> float:
    return sum(sample.value for metric in PUBLISHED.collect() for sample in metric.samples)


async def refused(api: Api, url: str, body: dict[str, Any], headers: dict[str, str], field: str) -> None:
    before = published()
    response = await api.http.post(url, json=body, headers=headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_field"
    assert error["message"].startswith(f"{field}: "), error
    assert "requests may not go there" in error["message"]
    await asyncio.sleep(0.1)
    assert published() == before


@pytest.mark.parametrize("target", PRIVATE_URLS)
async def test_a_supplier_delivery_url_is_refused(system: System, strict: Api, target: str) -> None:
    name = unique("supplier")
    body = {"name": name, "delivery": {"mode": "webhook", "url": target}}
    await refused(strict, "/v1/suppliers", body, strict.admin, "delivery.url")
    assert await system.db["suppliers"].count_documents({"name": name}) == 0


@pytest.mark.parametrize("target", PRIVATE_URLS)
async def test_a_shop_callback_url_is_refused(system: System, api: Api, strict: Api, target: str) -> None:
    merchant, shop_id = await api.merchant(), unique("shop")
    body = {"platform": "generic", "shop_id": shop_id, "callback_url": target}
    await refused(strict, f"/v1/merchants/{merchant.id}/shops", body, strict.admin, "callback_url")
    assert await system.db["shops"].count_documents({"shop_id": shop_id}) == 0


@pytest.mark.parametrize("target", PRIVATE_URLS)
async def test_a_supplier_account_delivery_url_is_refused(strict: Api, supplier: Party, target: str) -> None:
    body = {"name": unique("erp"), "channel": "erp", "delivery": {"mode": "webhook", "url": target}}
    await refused(strict, "/v1/supplier/accounts", body, bearer(supplier.key), "delivery.url")
    as_operator = f"/v1/suppliers/{supplier.id}/accounts"
    await refused(strict, as_operator, body, strict.admin, "delivery.url")


@pytest.mark.parametrize("target", PRIVATE_URLS)
async def test_an_applicants_delivery_url_is_refused(system: System, strict: Api, target: str) -> None:
    company = unique("company")
    body = {
        "kind": "supplier",
        "company_name": company,
        "licence_no": "91330100-12345",
        "contact": {"name": "王", "phone": "13800000000"},
        "delivery": {"mode": "webhook", "url": target},
    }
    await refused(strict, "/v1/applications", body, {}, "delivery.url")
    assert await system.db["applications"].count_documents({"company_name": company}) == 0


async def test_a_public_address_is_accepted(strict: Api, supplier: Party) -> None:
    body = {"name": unique("erp"), "channel": "erp", "delivery": {"mode": "webhook", "url": PUBLIC_LITERAL}}
    response = await strict.http.post("/v1/supplier/accounts", json=body, headers=bearer(supplier.key))
    assert response.status_code == 201, response.text
