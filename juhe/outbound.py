"""Signed outbound HTTP: how a request to a shop is built, and the one retry engine for all pushes.

Every push (shipment syncs, sub-orders to webhook suppliers, listings and stock to shops) goes
through `send`: a 2xx ends it, anything else is retried with the growing backoff of
`routing.BACKOFF_SECONDS`, and after the give-up time it is recorded as failed and dead-lettered.
A target that `juhe.targets` refuses (checked as each connection is made, see `http_client`)
is recorded as failed and dead-lettered at once: retrying would not make it public.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn

import httpcore
import httpx
import structlog
from prometheus_client import Counter

from juhe.outgoing import DeadLetterError, Later, Outgoing
from juhe.platforms import adapter_for
from juhe.settings import Settings
from juhe.signing import signed_headers
from juhe.targets import Resolver, TargetRefusedError, allowed_addresses, system_resolve
from schemas import routing
from schemas.commands import OutboundCommand
from schemas.envelope import utcnow

_log = structlog.get_logger("juhe.outbound")
GIVEN_UP = Counter(
    "juhe_deliveries_dead_lettered", "Outbound deliveries given up and dead-lettered", ["message"]
)

#: Sends a POST and returns the HTTP status; raises on a network failure.
Poster = Callable[[str, bytes, dict[str, str]], Awaitable[int]]
#: Records an outcome (`done` or `<done>_failed`) with its data where the caller keeps its log.
Recorder = Callable[[str, dict[str, Any]], Awaitable[None]]


class VettedBackend(httpcore.AsyncNetworkBackend):
    """Connects only where `juhe.targets` allows: the host is resolved here, every address is
    checked, and the connection goes to a checked address, so no second lookup can rebind the
    name to 127.0.0.1 between the check and the connection. TLS still verifies the host name."""

    def __init__(
        self, resolve: Resolver = system_resolve, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self._resolve, self._inner = resolve, inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await allowed_addresses(host, port, "url", resolve=self._resolve)
        except OSError as exc:  # the name does not resolve (now): a failed attempt, retried
            raise httpcore.ConnectError(f"{host}: {exc}") from exc
        for address in addresses[:-1]:
            with suppress(httpcore.ConnectError, httpcore.ConnectTimeout):
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
        return await self._inner.connect_tcp(addresses[-1], port, timeout, local_address, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise TargetRefusedError("url", "a unix socket is no outbound target")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def http_client(settings: Settings, resolve: Resolver = system_resolve) -> httpx.AsyncClient:
    """The client of every outbound push; unless private targets are allowed, a vetted one.

    A vetted client connects directly: a proxy from the environment would connect on our
    behalf to wherever the name points, unchecked.
    """
    timeout = settings.callback_timeout_seconds
    if settings.allow_private_targets:
        return httpx.AsyncClient(timeout=timeout)
    transport = httpx.AsyncHTTPTransport()
    # httpx takes no network backend; its pool is rebuilt around ours, with httpx's defaults.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=VettedBackend(resolve),
    )
    return httpx.AsyncClient(timeout=timeout, transport=transport)


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes
    headers: dict[str, str]


def signed_json(url: str, secret: str, signer: str, body: dict[str, Any]) -> Request:
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Request(url, raw, signed_headers(secret, signer, raw))


def shop_request(kind: str, body: dict[str, Any], shop: dict[str, Any]) -> Request | None:
    """The one place a push to a merchant's shop is built (None: the shop takes no pushes).

    `kind` is the event type (`shipment`, `listing.upsert`, `listing.delist`, `stock`); the
    shop's platform adapter shapes and signs it (generic: a JSON event signed with the shop's
    secret; app-signed platforms: an open-API call signed with `shop["app"]`, see `AccountsQueries.shop`).
    """
    url, adapter = shop.get("callback_url"), adapter_for(shop["platform"])
    if not url or adapter is None:
        return None
    try:
        raw, headers = adapter.outbound(kind, body, shop, shop.get("app"))
    except ValueError as exc:  # e.g. the platform's app credentials are not registered yet
        _log.warning("push.not_built", platform=shop["platform"], kind=kind, why=str(exc))
        return None
    return Request(url, raw, headers)


async def send(
    cmd: OutboundCommand,
    request: Request,
    *,
    post: Poster,
    give_up_after: timedelta,
    record: Recorder,
    done: str,
) -> list[Outgoing]:
    """Post once; on failure schedule attempt n+1 after the backoff, or give up visibly."""
    try:
        status = await post(request.url, request.body, request.headers)
    except TargetRefusedError as exc:
        await _give_up(cmd, record, done, f"refused target: {exc.reason}", "was refused")
    except Exception as exc:  # network trouble is just another failed attempt
        status, error = 0, repr(exc)
    else:
        error = f"HTTP {status}"
    if 200 <= status < 300:
        await record(done, {"attempts": cmd.attempt})
        return []
    now = utcnow()
    first = cmd.first_attempt_at or now
    if now - first >= give_up_after:
        await _give_up(cmd, record, done, error, f"gave up after {cmd.attempt} attempts")
    _log.warning("delivery.retry_scheduled", attempt=cmd.attempt, error=error)
    # Validated anew (not copied) so the message id is derived for the new attempt number.
    retry = type(cmd).model_validate(
        {
            **cmd.model_dump(exclude={"message_id"}),
            "attempt": cmd.attempt + 1,
            "first_attempt_at": first,
        }
    )
    return [Later(retry, routing.backoff_seconds(cmd.attempt))]


async def _give_up(cmd: OutboundCommand, record: Recorder, done: str, error: str, how: str) -> NoReturn:
    """Record the failure where the caller keeps its log, then dead-letter the command."""
    await record(f"{done}_failed", {"attempts": cmd.attempt, "error": error})
    GIVEN_UP.labels(cmd.NAME).inc()
    raise DeadLetterError(f"{cmd.NAME} {how}: {error}")
