"""The load generator's HTTP client against a small local server: statuses read by length,
`Connection: close` honoured, a kept-alive connection the server dropped opened again once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from bench.raw_http import ClosedByServer, RawConnection

Answer = Callable[[int], bytes]


async def serve(answer: Answer, *, close_after: int | None = None) -> tuple[asyncio.Server, list[bytes]]:
    """Answers request n (from 1) with `answer(n)`; drops each connection after `close_after`."""
    bodies: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served = 0
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            length = int(
                next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1]
            )
            bodies.append(await reader.readexactly(length))
            writer.write(answer(len(bodies)))
            await writer.drain()
            served += 1
            if close_after is not None and served >= close_after:
                break
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, bodies


@pytest.fixture
async def url_of() -> AsyncIterator[Callable[[asyncio.Server], str]]:
    servers: list[asyncio.Server] = []

    def url(server: asyncio.Server) -> str:
        servers.append(server)
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    yield url
    for server in servers:
        server.close()
        await server.wait_closed()


def accepted(_: int) -> bytes:
    head = b"HTTP/1.1 202 Accepted\r\ncontent-length: 15\r\ncontent-type: application/json\r\n\r\n"
    return head + b'{"order_key":1}'


async def test_each_answer_is_read_by_its_length_on_one_connection(
    url_of: Callable[[asyncio.Server], str],
) -> None:
    server, bodies = await serve(
        lambda n: accepted(n) if n < 3 else b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n"
    )
    connection = RawConnection(url_of(server))
    statuses = [await connection.post("/hook", f"body-{n}".encode(), {"X-Juhe-Shop": "s1"}) for n in range(3)]
    await connection.close()
    assert (statuses, bodies) == ([202, 202, 401], [b"body-0", b"body-1", b"body-2"])


async def test_a_connection_the_server_drops_is_opened_again(url_of: Callable[[asyncio.Server], str]) -> None:
    server, bodies = await serve(accepted, close_after=1)
    connection = RawConnection(url_of(server))
    statuses = [await connection.post("/hook", b"x", {}) for _ in range(3)]
    await connection.close()
    assert (statuses, len(bodies)) == ([202, 202, 202], 3)


async def test_a_server_that_never_answers_whole_is_an_error(url_of: Callable[[asyncio.Server], str]) -> None:
    server, _ = await serve(
        lambda _: b"HTTP/1.1 202 Accepted\r\ncontent-length: 99\r\n\r\nshort", close_after=1
    )
    connection = RawConnection(url_of(server))
    with pytest.raises(ClosedByServer):
        await connection.post("/hook", b"x", {})
    await connection.close()


def test_only_plain_http_is_spoken() -> None:
    with pytest.raises(ValueError, match="plain http"):
        RawConnection("https://example.com")
