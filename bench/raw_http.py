"""The load generator's own HTTP/1.1 client: one kept-alive connection per sender, each request
written out as bytes and its answer read by its Content-Length.

A platform's pushes do not come from the machine under test, so the bench should take as little
of its CPU as it can. httpx spent about as much CPU per push as the edge answering it (py-spy on
the bench process during a burst's acceptance: 446 samples in httpx against 383 in the edge).
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit


class ClosedByServer(ConnectionError):
    """The connection ended before a whole answer was read."""


class RawConnection:
    """Requests one after another on one connection; opened on first use, reopened once if the
    server closed a kept-alive connection in between."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname is None:
            raise ValueError(f"a plain http base URL is needed, got {base_url!r}")
        self._host, self._port = parts.hostname, parts.port or 80
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        """The answer's status code."""
        request = self._request(path, body, headers)
        try:
            return await self._exchange(request)
        except (ConnectionError, asyncio.IncompleteReadError):
            await self.close()  # a kept-alive connection the server closed: once more, on a new one
        try:
            return await self._exchange(request)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            await self.close()
            raise ClosedByServer(str(exc)) from exc

    async def _exchange(self, request: bytes) -> int:
        reader, writer = await self._open()
        writer.write(request)
        await writer.drain()
        return await self._status(reader)

    async def close(self) -> None:
        if self._streams is not None:
            _, writer = self._streams
            self._streams = None
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self._host, self._port)
        return self._streams

    def _request(self, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        lines = [f"POST {path} HTTP/1.1", f"Host: {self._host}:{self._port}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body

    async def _status(self, reader: asyncio.StreamReader) -> int:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status_line, *header_lines = head.rstrip("\r\n").split("\r\n")
        fields = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip().lower()
        if "transfer-encoding" in fields:
            raise ValueError("a chunked answer: the edge sends a length")
        await reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection") == "close":
            await self.close()
        return int(status_line.split(" ", 2)[1])
