"""An applicant: an anonymous client from its own address (the rate limit is per address)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from tests.support.api import bearer
from tests.support.system import System


@asynccontextmanager
async def applicant_client(system: System) -> AsyncIterator[httpx.AsyncClient]:
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
    transport = httpx.ASGITransport(app=system.app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://edge") as client:
        yield client


def licence() -> str:
    return f"91440300{uuid.uuid4().hex[:10].upper()}"


def application(kind: str = "merchant", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": kind,
        "company_name": f"深圳聚合{uuid.uuid4().hex[:6]}有限公司",
        "licence_no": licence(),
        "contact": {"name": "李四", "phone": "13900000000", "email": "li@example.com"},
    }
    if kind == "supplier":
        body["delivery"] = {"mode": "pull"}
    return {**body, **overrides}


async def fetch_credentials(client: httpx.AsyncClient, application_id: str, token: str) -> httpx.Response:
    return await client.post(f"/v1/applications/{application_id}/credentials", headers=bearer(token))
