"""Signed HTTP deliveries to shops and webhook suppliers, retried with growing backoff."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from prometheus_client import Counter

from juhe.outgoing import DeadLetterError, Later, Outgoing
from juhe.signing import signed_headers
from schemas import routing
from schemas.commands import DeliverShipment, OutboundDelivery, PushSubOrder
from schemas.envelope import utcnow
from workers.order.model import log_entry
from workers.order.saga import SagaDeps

_log = structlog.get_logger("order.delivery")
GIVEN_UP = Counter(
    "juhe_deliveries_dead_lettered", "Outbound deliveries given up and dead-lettered", ["message"]
)

#: Sends a POST and returns the HTTP status; raises on a network failure.
Poster = Callable[[str, bytes, dict[str, str]], Awaitable[int]]


@dataclass(frozen=True)
class DeliveryDeps:
    saga: SagaDeps
    post: Poster
    give_up_after: timedelta


async def deliver_shipment(cmd: DeliverShipment, *, deps: DeliveryDeps) -> list[Outgoing]:
    order = await deps.saga.orders.get(cmd.order_key)
    sub = await deps.saga.orders.get_sub_order(cmd.sub_order_id)
    if order is None or sub is None or sub.get("shipment") is None:
        raise DeadLetterError(f"nothing shipped for {cmd.sub_order_id}")
    shop = await deps.saga.catalog.shop(order["platform"], order["shop_id"])
    if shop is None or not shop.get("callback_url"):
        _log.info("shipment.sync_skipped", why="shop has no callback_url")
        return []
    body = {
        "order_id": order["platform_order_id"],
        "carrier": sub["shipment"]["carrier"],
        "tracking_no": sub["shipment"]["tracking_no"],
        "lines": sub["lines"],
    }
    return await _send(
        cmd, deps, shop["callback_url"], shop["webhook_secret"], shop["shop_id"], body, "shipment_synced"
    )


async def push_sub_order(cmd: PushSubOrder, *, deps: DeliveryDeps) -> list[Outgoing]:
    """Push to the sub-order's account (or its supplier when unrouted); its state is kept on it."""
    sub = await deps.saga.orders.get_sub_order(cmd.sub_order_id)
    target = None if sub is None else await _push_target(sub, deps)
    if sub is None or target is None or target["delivery"].get("mode") != "webhook":
        raise DeadLetterError(f"no webhook supplier or account for {cmd.sub_order_id}")
    body = {
        "id": sub["_id"],
        "order_key": sub["order_key"],
        "supplier_id": sub["supplier_id"],
        "account_id": sub.get("account_id"),
        "status": sub["status"],
        "lines": sub["lines"],
        "shipping_address": sub["shipping_address"],
        "routed_at": sub["routed_at"].isoformat(),
    }
    url, secret = target["delivery"]["url"], target["webhook_secret"]
    push = {"attempts": cmd.attempt, "at": utcnow()}
    try:
        out = await _send(cmd, deps, url, secret, target["_id"], body, "sub_order_pushed")
    except DeadLetterError as exc:
        await deps.saga.orders.note_push(sub["_id"], {**push, "status": "failed", "error": str(exc)})
        raise
    await deps.saga.orders.note_push(sub["_id"], {**push, "status": "retrying" if out else "delivered"})
    return out


async def _push_target(sub: dict[str, Any], deps: DeliveryDeps) -> dict[str, Any] | None:
    if sub.get("account_id"):
        return await deps.saga.catalog.supplier_account(sub["account_id"])
    return await deps.saga.catalog.supplier(sub["supplier_id"])


async def _send(
    cmd: OutboundDelivery,
    deps: DeliveryDeps,
    url: str,
    secret: str,
    signer: str,
    body: dict[str, Any],
    done: str,
) -> list[Outgoing]:
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        status = await deps.post(url, raw, signed_headers(secret, signer, raw))
    except Exception as exc:  # network trouble is just another failed attempt
        status, error = 0, repr(exc)
    else:
        error = f"HTTP {status}"
    now = utcnow()
    if 200 <= status < 300:
        await deps.saga.orders.log_once(
            cmd.order_key,
            log_entry(done, now, sub_order_id=cmd.sub_order_id, attempts=cmd.attempt),
            cmd.sub_order_id,
        )
        return []
    first = cmd.first_attempt_at or now
    if now - first >= deps.give_up_after:
        entry = log_entry(
            f"{done}_failed", now, sub_order_id=cmd.sub_order_id, attempts=cmd.attempt, error=error
        )
        await deps.saga.orders.log_once(cmd.order_key, entry, cmd.sub_order_id)
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
