"""Signed outbound HTTP: how a request to a shop is built, and the one retry engine for all pushes.

Every push (shipment syncs, sub-orders to webhook suppliers, listings and stock to shops) goes
through `send`: a 2xx ends it, anything else is retried with the growing backoff of
`routing.BACKOFF_SECONDS`, and after the give-up time it is recorded as failed and dead-lettered.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from prometheus_client import Counter

from juhe.outgoing import DeadLetterError, Later, Outgoing
from juhe.platforms import adapter_for
from juhe.signing import signed_headers
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
        await record(f"{done}_failed", {"attempts": cmd.attempt, "error": error})
        GIVEN_UP.labels(cmd.NAME).inc()
        raise DeadLetterError(f"{cmd.NAME} gave up after {cmd.attempt} attempts: {error}")
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
