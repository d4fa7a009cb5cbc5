"""Platform intake on the order side: archive the raw push, then place or record.

The raw push is stored before the order, so an order never links a payload that is not there;
linking is `$addToSet`, so the same order pushed again gains its new payload once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from juhe.outgoing import Outgoing
from schemas.commands import PlaceOrder, RecordRefundRequest
from schemas.common import RawPayload
from schemas.envelope import utcnow
from workers.order import saga
from workers.order.archive import ORDERS, REFUND_REQUESTS
from workers.order.model import log_entry

Doc = dict[str, object]


class IntakeRepository(Protocol):
    async def archive(self, payload: RawPayload, expires_at: datetime) -> str: ...
    async def remember_message(
        self, platform: str, message_id: str, key: str, expires_at: datetime
    ) -> None: ...
    async def add_refund_request(self, request: Doc) -> None: ...
    async def link_payload(self, collection: str, key: str, payload_id: str) -> None: ...
    async def log_refund_request(self, order_key: str, entry: Doc, refund_key: str) -> None: ...


@dataclass(frozen=True)
class IntakeDeps:
    saga: saga.SagaDeps
    intake: IntakeRepository
    retention: timedelta


async def _archive(
    raw: RawPayload | None, platform: str, message_id: str | None, key: str, deps: IntakeDeps
) -> str | None:
    expires_at = utcnow() + deps.retention
    if message_id is not None:
        await deps.intake.remember_message(platform, message_id, key, expires_at)
    return None if raw is None else await deps.intake.archive(raw, expires_at)


async def place_order(cmd: PlaceOrder, *, deps: IntakeDeps) -> list[Outgoing]:
    """A new order is stored with its payload linked; a repeated push links its own payload."""
    payload_id = await _archive(cmd.raw_payload, cmd.platform, cmd.platform_message_id, cmd.order_key, deps)
    payload_ids = () if payload_id is None else (payload_id,)
    order = await deps.saga.orders.get(cmd.order_key)
    if order is None:
        order = await saga.create_order(cmd, deps.saga, payload_ids)
    if payload_id is not None and payload_id not in order.get("payload_ids", []):
        await deps.intake.link_payload(ORDERS, cmd.order_key, payload_id)
    return saga.follow_ups(order)


async def record_refund_request(cmd: RecordRefundRequest, *, deps: IntakeDeps) -> list[Outgoing]:
    """Keep the request `pending` for the refund saga (a later issue); log it on the order."""
    payload_id = await _archive(cmd.raw_payload, cmd.platform, cmd.platform_message_id, cmd.refund_key, deps)
    now = utcnow()
    request: Doc = {
        "_id": cmd.refund_key,
        "status": "pending",
        **cmd.model_dump(
            include={"platform", "shop_id", "merchant_id", "refund_id", "order_key", "reason", "details"}
        ),
        "lines": None if cmd.lines is None else [ln.model_dump() for ln in cmd.lines],
        "received_at": cmd.received_at,
        "payload_ids": [] if payload_id is None else [payload_id],
        "created_at": now,
    }
    await deps.intake.add_refund_request(request)
    entry = log_entry(
        "refund_requested", now, refund_key=cmd.refund_key, refund_id=cmd.refund_id, reason=cmd.reason
    )
    await deps.intake.log_refund_request(cmd.order_key, entry, cmd.refund_key)
    if payload_id is not None:
        await deps.intake.link_payload(REFUND_REQUESTS, cmd.refund_key, payload_id)
        await deps.intake.link_payload(ORDERS, cmd.order_key, payload_id)
    return []
