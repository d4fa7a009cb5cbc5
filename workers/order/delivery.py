"""Signed HTTP deliveries to shops and webhook suppliers, retried with growing backoff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog

from juhe.outbound import Poster, Request, send, shop_request, signed_json
from juhe.outgoing import DeadLetterError, Outgoing
from schemas.commands import DeliverShipment, OutboundDelivery, PushSubOrder
from schemas.envelope import utcnow
from workers.order.model import log_entry
from workers.order.saga import SagaDeps

_log = structlog.get_logger("order.delivery")

__all__ = ["DeliveryDeps", "Poster", "deliver_shipment", "push_sub_order"]


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
    body = {
        "order_id": order["platform_order_id"],
        "carrier": sub["shipment"]["carrier"],
        "tracking_no": sub["shipment"]["tracking_no"],
        "lines": sub["lines"],
    }
    request = None if shop is None else shop_request("shipment", body, shop)
    if request is None:
        _log.info("shipment.sync_skipped", why="shop has no callback_url")
        return []
    return await _send(cmd, deps, request, "shipment_synced")


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
    request = signed_json(target["delivery"]["url"], target["webhook_secret"], target["_id"], body)
    push = {"attempts": cmd.attempt, "at": utcnow()}
    try:
        out = await _send(cmd, deps, request, "sub_order_pushed")
    except DeadLetterError as exc:
        await deps.saga.orders.note_push(sub["_id"], {**push, "status": "failed", "error": str(exc)})
        raise
    await deps.saga.orders.note_push(sub["_id"], {**push, "status": "retrying" if out else "delivered"})
    return out


async def _push_target(sub: dict[str, Any], deps: DeliveryDeps) -> dict[str, Any] | None:
    if sub.get("account_id"):
        return await deps.saga.catalog.supplier_account(sub["account_id"])
    return await deps.saga.catalog.supplier(sub["supplier_id"])


async def _send(cmd: OutboundDelivery, deps: DeliveryDeps, request: Request, done: str) -> list[Outgoing]:
    """The shared retry engine, logging each outcome once on the order."""

    async def record(outcome: str, data: dict[str, Any]) -> None:
        entry = log_entry(outcome, utcnow(), sub_order_id=cmd.sub_order_id, **data)
        await deps.saga.orders.log_once(cmd.order_key, entry, cmd.sub_order_id)

    return await send(
        cmd, request, post=deps.post, give_up_after=deps.give_up_after, record=record, done=done
    )
