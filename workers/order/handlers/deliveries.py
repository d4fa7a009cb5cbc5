"""Signed HTTP deliveries about a sub-order: the shipment to the shop, the sub-order to a
webhook supplier; retried with growing backoff, each outcome logged once on the order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog

from juhe.outbound import Poster, Request, send, shop_request, signed_json
from juhe.outgoing import DeadLetterError, Outgoing
from schemas.commands import DeliverShipment, OutboundDelivery, PushSubOrder
from schemas.envelope import utcnow
from workers.order.handlers.ports import DeliveryTargets, OrderStore, PushEndpoint
from workers.order.model import LogEntry, Push, PushStatus, SubOrder

_log = structlog.get_logger("order.delivery")


@dataclass(frozen=True)
class DeliveryDeps:
    orders: OrderStore
    targets: DeliveryTargets
    post: Poster
    give_up_after: timedelta


async def deliver_shipment(cmd: DeliverShipment, *, deps: DeliveryDeps) -> list[Outgoing]:
    order = await deps.orders.get(cmd.order_key)
    sub = await deps.orders.get_sub_order(cmd.sub_order_id)
    if order is None or sub is None or sub.shipment is None:
        raise DeadLetterError(f"nothing shipped for {cmd.sub_order_id}")
    shop = await deps.targets.shop(order.platform, order.shop_id)
    body: dict[str, Any] = {
        "order_id": order.platform_order_id,
        "carrier": sub.shipment.carrier,
        "tracking_no": sub.shipment.tracking_no,
        "lines": [line.model_dump() for line in sub.lines],
    }
    if order.reship is not None:  # a second parcel for the same platform order
        body["reship"] = {"reship_id": order.reship.reship_id, "reason": order.reship.reason}
    request = None if shop is None else shop_request("shipment", body, shop.for_adapters())
    if request is None:
        _log.info("shipment.sync_skipped", why="shop has no callback_url")
        return []
    return await _send(cmd, deps, request, "shipment_synced")


async def push_sub_order(cmd: PushSubOrder, *, deps: DeliveryDeps) -> list[Outgoing]:
    """Push to the sub-order's account (or its supplier when unrouted); its state is kept on it."""
    sub = await deps.orders.get_sub_order(cmd.sub_order_id)
    target = None if sub is None else await _push_target(sub, deps)
    if sub is None or target is None or target.push_url is None:
        raise DeadLetterError(f"no webhook supplier or account for {cmd.sub_order_id}")
    request = signed_json(target.push_url, target.webhook_secret, target.id, _pushed(sub))
    now = utcnow()
    try:
        out = await _send(cmd, deps, request, "sub_order_pushed")
    except DeadLetterError as exc:
        failed = Push(attempts=cmd.attempt, at=now, status=PushStatus.FAILED, error=str(exc))
        await deps.orders.note_push(sub.id, failed)
        raise
    status = PushStatus.RETRYING if out else PushStatus.DELIVERED
    await deps.orders.note_push(sub.id, Push(attempts=cmd.attempt, at=now, status=status))
    return out


def _pushed(sub: SubOrder) -> dict[str, Any]:
    """The sub-order as a webhook supplier receives it."""
    return {
        "id": sub.id,
        "order_key": sub.order_key,
        "supplier_id": sub.supplier_id,
        "account_id": sub.account_id,
        "status": sub.status.value,
        "lines": [line.model_dump() for line in sub.lines],
        "shipping_address": sub.shipping_address.model_dump(),
        "routed_at": sub.routed_at.isoformat(),
        **({} if sub.reship_of is None else {"reship_of": sub.reship_of, "reship_reason": sub.reship_reason}),
    }


async def _push_target(sub: SubOrder, deps: DeliveryDeps) -> PushEndpoint | None:
    if sub.account_id:
        return await deps.targets.supplier_account(sub.account_id)
    return await deps.targets.supplier(sub.supplier_id)


async def _send(cmd: OutboundDelivery, deps: DeliveryDeps, request: Request, done: str) -> list[Outgoing]:
    """The shared retry engine, logging each outcome once on the order."""

    async def record(outcome: str, data: dict[str, Any]) -> None:
        entry = LogEntry.of(outcome, utcnow(), sub_order_id=cmd.sub_order_id, **data)
        await deps.orders.log_once(cmd.order_key, entry, cmd.sub_order_id)

    return await send(
        cmd, request, post=deps.post, give_up_after=deps.give_up_after, record=record, done=done
    )
