"""A Server-Sent Events client for the live sales view, against the edge served on a loopback
port (an in-process ASGI transport buffers whole responses, so it cannot carry a stream)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn


@contextlib.asynccontextmanager
async def served(app: Any) -> AsyncIterator[str]:
    """The app on a free loopback port (its lifespan already entered by the test system)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers readiness only as a flag
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@dataclass
class LiveView:
    """What a client holds: the newest figures per (key, period), and the last event id."""

    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    last_id: str | None = None
    kinds: list[str] = field(default_factory=list)

    def take(self, kind: str, event_id: str, data: dict[str, Any]) -> None:
        if kind == "snapshot":
            self.rows = {}
        for row in data["items"]:
            self.rows[(row["key"], row["period"])] = row
        self.kinds.append(kind)
        self.last_id = event_id

    def totals(self, metric: str) -> dict[str, int]:
        summed: dict[str, int] = {}
        for (key, _), row in self.rows.items():
            summed[key] = summed.get(key, 0) + row[metric]
        return summed


async def follow(base_url: str, path: str, headers: dict[str, str], view: LiveView) -> None:
    """Read events into `view` until cancelled; resumes from `view.last_id` if it has one."""
    sent = dict(headers) | ({"Last-Event-ID": view.last_id} if view.last_id else {})
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=None) as http,
        http.stream("GET", path, headers=sent) as response,
    ):
        assert response.status_code == 200, await response.aread()
        frame: dict[str, str] = {}
        async for line in response.aiter_lines():
            if line == "" and "data" in frame:
                view.take(frame.get("event", "message"), frame.get("id", ""), json.loads(frame["data"]))
                frame = {}
            elif line and not line.startswith(":"):
                name, _, value = line.partition(": ")
                frame[name] = value


@contextlib.asynccontextmanager
async def following(
    base_url: str, path: str, headers: dict[str, str], view: LiveView
) -> AsyncIterator[LiveView]:
    task = asyncio.create_task(follow(base_url, path, headers, view))
    try:
        yield view
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
