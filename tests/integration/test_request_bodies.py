"""Request bodies: above JUHE_MAX_BODY_BYTES a 413 before the body is read whole; unparseable a 400.

Both in the error shape, with nothing published.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx

from juhe.messaging.bus import PUBLISHED
from tests.support.api import Api
from tests.support.system import System

WEBHOOK = "/v1/webhooks/generic/orders"
CHUNK = 64 * 1024


def published() -> float:
    return sum(sample.value for metric in PUBLISHED.collect() for sample in metric.samples)


def assert_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["code"] == code
    message: str = response.json()["error"]["message"]
    return message


class Stream:
    """A chunked body of `total` bytes that counts how much of it was pulled."""

    def __init__(self, total: int) -> None:
        self.total, self.pulled = total, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.pulled < self.total:
            self.pulled += CHUNK
            yield b" " * CHUNK


async def test_a_declared_length_over_the_limit_is_413_at_once(system: System, api: Api) -> None:
    limit, before = system.settings.max_body_bytes, published()
    response = await api.http.post(WEBHOOK, content=b" " * (limit + 1))
    message = assert_error(response, 413, "payload_too_large")
    assert message == f"the request body is larger than {limit} bytes"
    suppliers = await api.http.post("/v1/suppliers", content=b" " * (limit + 1), headers=api.admin)
    assert_error(suppliers, 413, "payload_too_large")
    await asyncio.sleep(0.2)
    assert published() == before


async def test_a_chunked_body_far_over_the_limit_is_413_and_read_no_further(system: System, api: Api) -> None:
    """64 times the limit is offered; reading stops at the first chunk past the limit."""
    limit, before = system.settings.max_body_bytes, published()
    for url, headers in [(WEBHOOK, {}), ("/v1/suppliers", {**api.admin, "Content-Type": "application/json"})]:
        body = Stream(64 * limit)
        response = await api.http.post(url, content=body, headers=headers)
        assert "content-length" not in response.request.headers
        assert_error(response, 413, "payload_too_large")
        assert limit < body.pulled <= limit + CHUNK
    await asyncio.sleep(0.2)
    assert published() == before


async def test_a_body_of_exactly_the_limit_is_read(system: System, api: Api) -> None:
    response = await api.http.post(WEBHOOK, content=b" " * system.settings.max_body_bytes)
    assert_error(response, 401, "bad_signature")


async def test_a_json_body_nested_100000_deep_is_400_malformed_json(api: Api) -> None:
    before, headers = published(), {**api.admin, "Content-Type": "application/json"}
    response = await api.http.post("/v1/suppliers", content=b"[" * 100_000, headers=headers)
    assert_error(response, 400, "malformed_json")
    bad_utf8 = await api.http.post("/v1/suppliers", content=b'{"name": "\xff"}', headers=headers)
    assert_error(bad_utf8, 400, "malformed_json")
    await asyncio.sleep(0.2)
    assert published() == before
