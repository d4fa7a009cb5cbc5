"""Platform pushes in: find the signer's credentials, verify, parse, resolve shops, publish.

Everything that can refuse a push runs before the first publish, so a refused push publishes
nothing. The raw push travels inside each command; the order worker archives it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from edge_api.context import EdgeContext
from edge_api.errors import ApiError
from juhe.platforms import adapter_for
from juhe.platforms.base import Kind, ParsedOrder, ParsedRefund, PayloadError, PlatformAdapter, Verification
from schemas.commands import PlaceOrder, RecordRefundRequest
from schemas.common import RawPayload
from schemas.envelope import utcnow
from workers.accounts.queries import AccountsQueries, PlatformApp, Shop
from workers.accounts.queries.cached import CachedAccounts
from workers.order.queries import OrderQueries

_log = structlog.get_logger("edge.intake")
Doc = dict[str, Any]
#: Credentials of the caller's own session, never needed to replay a platform's signature.
UNARCHIVED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


@dataclass(frozen=True)
class Accepted:
    status: int
    body: Doc


def unauthorized(why: str) -> ApiError:
    _log.warning("webhook.refused", why=why)
    return ApiError(401, "bad_signature", "unknown shop or app, stale timestamp or bad signature")


def adapter_or_404(platform: str) -> PlatformAdapter:
    adapter = adapter_for(platform)
    if adapter is None:
        raise ApiError(404, "not_found", f"no adapter for platform {platform!r}")
    return adapter


async def credentials(
    accounts: AccountsQueries | CachedAccounts,
    adapter: PlatformAdapter,
    headers: Mapping[str, str],
    body: bytes,
) -> Doc | None:
    signer: Shop | PlatformApp | None
    if adapter.signer == "shop":
        signer = await accounts.shop(adapter.name, adapter.signer_id(headers, body) or "")
    else:
        signer = await accounts.platform_app(adapter.name)
    return None if signer is None else signer.for_adapters()


async def verified_signer(
    edge: EdgeContext, adapter: PlatformAdapter, headers: Mapping[str, str], body: bytes
) -> Doc:
    """The credentials the push is signed with: as the process keeps them, or, when those refuse
    it (a secret rotated or a shop added since they were read), as stored now."""
    at = Verification(utcnow(), edge.settings.webhook_clock_skew_seconds)
    store = AccountsQueries(edge.db)
    if edge.signers.enabled:
        kept = await credentials(CachedAccounts(store, edge.signers), adapter, headers, body)
        if kept is not None and adapter.verify(headers, body, kept, at):
            return kept
    signer = await credentials(store, adapter, headers, body)
    if signer is None:
        raise unauthorized(f"unknown {adapter.signer}")
    if not adapter.verify(headers, body, signer, at):
        raise unauthorized("signature or timestamp")
    return signer


def parse(adapter: PlatformAdapter, kind: Kind, body: bytes) -> tuple[list[ParsedOrder], list[ParsedRefund]]:
    try:
        orders = adapter.parse_orders(body) if kind == "orders" or adapter.one_url else []
        refunds = adapter.parse_refunds(body) if kind == "refunds" or adapter.one_url else []
    except PayloadError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from exc
    return orders, refunds


async def shops_of(
    edge: EdgeContext, adapter: PlatformAdapter, signer: Doc, items: list[ParsedOrder | ParsedRefund]
) -> dict[str | None, Doc]:
    """The shop of each item: the signing shop, or the shop the payload names (all must exist)."""
    if adapter.signer == "shop":
        return {None: signer}
    wanted = sorted({item.shop_id or "" for item in items})
    store = AccountsQueries(edge.db)
    found = await CachedAccounts(store, edge.signers).shops(adapter.name, wanted)
    if len(found) != len(wanted) and edge.signers.enabled:  # a shop added since it was read?
        found = await store.shops(adapter.name, wanted)
    if len(found) != len(wanted):
        raise unauthorized("payload names an unknown shop")
    return {shop_id: shop.for_adapters() for shop_id, shop in found.items()}


async def seen_messages(
    edge: EdgeContext, platform: str, items: list[ParsedOrder | ParsedRefund]
) -> set[str]:
    ids = [item.message_id for item in items if item.message_id]
    return await OrderQueries(edge.db).seen_message_ids(platform, ids)


def raw_payload(platform: str, headers: Mapping[str, str], body: bytes) -> RawPayload:
    kept = {name: value for name, value in headers.items() if name.lower() not in UNARCHIVED_HEADERS}
    return RawPayload(
        platform=platform, received_at=utcnow(), headers=kept, body=body.decode("utf-8", errors="replace")
    )


def order_command(order: ParsedOrder, shop: Doc, raw: RawPayload) -> PlaceOrder:
    key = f"{raw.platform}:{shop['shop_id']}:{order.order_id}"
    return PlaceOrder(
        correlation_id=key,
        order_key=key,
        platform=raw.platform,
        shop_id=shop["shop_id"],
        platform_order_id=order.order_id,
        merchant_id=shop["merchant_id"],
        lines=order.lines,
        shipping_address=order.shipping_address,
        received_at=raw.received_at,
        raw_payload=raw,
        platform_message_id=order.message_id,
    )


def refund_command(refund: ParsedRefund, shop: Doc, raw: RawPayload) -> RecordRefundRequest:
    prefix = f"{raw.platform}:{shop['shop_id']}"
    order_key = f"{prefix}:{refund.order_id}"
    return RecordRefundRequest(
        correlation_id=order_key,
        refund_key=f"{prefix}:{refund.refund_id}",
        platform=raw.platform,
        shop_id=shop["shop_id"],
        merchant_id=shop["merchant_id"],
        refund_id=refund.refund_id,
        order_key=order_key,
        reason=refund.reason,
        lines=refund.lines,
        details=refund.details,
        received_at=raw.received_at,
        raw_payload=raw,
        platform_message_id=refund.message_id,
    )


async def accept_push(
    edge: EdgeContext, platform: str, kind: Kind, headers: Mapping[str, str], body: bytes
) -> Accepted:
    adapter = adapter_or_404(platform)
    signer = await verified_signer(edge, adapter, headers, body)
    if adapter.is_handshake(body):
        return Accepted(*adapter.acknowledge(kind, [], []))
    orders, refunds = parse(adapter, kind, body)
    items: list[ParsedOrder | ParsedRefund] = [*orders, *refunds]
    shops = await shops_of(edge, adapter, signer, items)
    seen = await seen_messages(edge, platform, items)
    raw = raw_payload(platform, headers, body)
    placed = [order_command(o, shops[o.shop_id], raw) for o in orders]
    recorded = [refund_command(r, shops[r.shop_id], raw) for r in refunds]
    commands: list[PlaceOrder | RecordRefundRequest] = [*placed, *recorded]
    fresh = [c for c in commands if c.platform_message_id not in seen]
    for command in fresh:
        await edge.publish(command)
    _log.info("webhook.accepted", platform=platform, published=len(fresh), repeated=len(items) - len(fresh))
    keys = [c.order_key for c in placed], [c.refund_key for c in recorded]
    return Accepted(*adapter.acknowledge(kind, *keys))
