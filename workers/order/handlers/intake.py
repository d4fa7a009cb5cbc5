"""Platform intake on the order side: archive the raw push, then place or record.

The raw push is stored before the order, so an order never links a payload that is not there;
linking adds to a set, so the same order pushed again gains its new payload once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from juhe.outgoing import Outgoing
from schemas.after_sale import RequestRefund
from schemas.commands import PlaceOrder, RecordRefundRequest
from schemas.common import RawPayload
from schemas.envelope import utcnow
from workers.order.handlers.ports import Archive
from workers.order.handlers.saga import SagaDeps, create_order, follow_ups
from workers.order.model import ArchivedPayload, LogEntry, PlatformMessage, RefundRequest, message_key


@dataclass(frozen=True)
class IntakeDeps:
    saga: SagaDeps
    archive: Archive
    retention: timedelta


async def _archive(
    raw: RawPayload | None, platform: str, message_id: str | None, key: str, deps: IntakeDeps
) -> str | None:
    expires_at = utcnow() + deps.retention
    if message_id is not None:
        message = PlatformMessage(id=message_key(platform, message_id), key=key, expires_at=expires_at)
        await deps.archive.remember_message(message)
    if raw is None:
        return None
    await deps.archive.archive(ArchivedPayload.of(raw, expires_at))
    return raw.id


async def place_order(cmd: PlaceOrder, *, deps: IntakeDeps) -> list[Outgoing]:
    """A new order is stored with its payload linked; a repeated push links its own payload.

    No read first: a repeat prices again and its insert gets the order stored the first time,
    which costs a repeat more than one read but saves that read on every new order."""
    payload_id = await _archive(cmd.raw_payload, cmd.platform, cmd.platform_message_id, cmd.order_key, deps)
    payload_ids = [] if payload_id is None else [payload_id]
    order = await create_order(cmd, deps.saga, payload_ids)
    if payload_id is not None and payload_id not in order.payload_ids:
        await deps.archive.link_order_payload(cmd.order_key, payload_id)
    return follow_ups(order)


async def record_refund_request(cmd: RecordRefundRequest, *, deps: IntakeDeps) -> list[Outgoing]:
    """Keep the platform's request as it came, log it on the order, and refund it."""
    payload_id = await _archive(cmd.raw_payload, cmd.platform, cmd.platform_message_id, cmd.refund_key, deps)
    now = utcnow()
    payload_ids = [] if payload_id is None else [payload_id]
    await deps.archive.add_refund_request(RefundRequest.of(cmd, payload_ids, now))
    entry = LogEntry.of(
        "refund_requested", now, refund_key=cmd.refund_key, refund_id=cmd.refund_id, reason=cmd.reason
    )
    await deps.archive.log_refund_request(cmd.order_key, entry, cmd.refund_key)
    if payload_id is not None:
        await deps.archive.link_refund_payload(cmd.refund_key, payload_id)
        await deps.archive.link_order_payload(cmd.order_key, payload_id)
    refund = RequestRefund(
        correlation_id=cmd.order_key,
        refund_key=cmd.refund_key,
        refund_id=cmd.refund_id,
        order_key=cmd.order_key,
        merchant_id=cmd.merchant_id,
        source="platform",
        reason=cmd.reason,
        lines=cmd.lines,
    )
    return [refund]
