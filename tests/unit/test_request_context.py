"""Each request logs with its own path and method, and nothing bound by an earlier request."""

from __future__ import annotations

import httpx
import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from edge_api.request_context import RequestContext


async def context(request: Request) -> JSONResponse:
    seen = structlog.contextvars.get_contextvars()
    structlog.contextvars.bind_contextvars(left_by=request.url.path)
    return JSONResponse(seen)


def app() -> Starlette:
    routes = [Route("/a", context, methods=["GET"]), Route("/b/{x}", context, methods=["POST"])]
    return Starlette(routes=routes)


async def test_every_request_logs_with_its_own_path_and_method_only() -> None:
    wrapped = RequestContext(app())
    structlog.contextvars.bind_contextvars(stale="from before")
    transport = httpx.ASGITransport(app=wrapped)
    async with httpx.AsyncClient(transport=transport, base_url="http://edge.test") as client:
        first = await client.get("/a")
        second = await client.post("/b/7")
    assert first.json() == {"path": "/a", "method": "GET"}
    assert second.json() == {"path": "/b/7", "method": "POST"}
