"""The order saga up to routing: place, reserve, pay (or wait for funds), route.

Each handler makes its state change conditional on the status it expects, then derives the
follow-up from the *stored* order, so a redelivery after a crash republishes what was lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from juhe.outgoing import Later, Outgoing
from schemas.commands import (
    CreditWallet,
    DebitWallet,
    ExpireFundsHold,
    PlaceOrder,
    PushSubOrder,
    ReleaseStock,
    ReserveStock,
)
from schemas.common import StockLine
from schemas.envelope import utcnow
from schemas.events import (
    FundsInsufficient,
    OrderRouted,
    StockRejected,
    StockReserved,
    WalletCredited,
    WalletDebited,
)
from workers.order.model import (
    CLOSED_UNPAID,
    OrderStatus,
    log_entry,
    price_lines,
    split_by_supplier,
)
from workers.order.repository import CatalogReader, OrderRepository
from workers.order.routing import choose_accounts, pushed_by_webhook

Doc = dict[str, Any]
S = OrderStatus


@dataclass(frozen=True)
class SagaDeps:
    orders: OrderRepository
    catalog: CatalogReader
    funds_hold_seconds: int


def stock_lines(order: Doc) -> list[StockLine]:
    return [StockLine(sku=ln["sku"], qty=ln["qty"]) for ln in order["lines"]]


def follow_ups(order: Doc) -> list[Outgoing]:
    """The command the order's current status is waiting on, if any."""
    key, status = order["_id"], order["status"]
    if status == S.RECEIVED:
        return [ReserveStock(correlation_id=key, order_key=key, lines=stock_lines(order))]
    if status == S.RESERVED:
        return [
            DebitWallet(
                correlation_id=key, order_key=key, merchant_id=order["merchant_id"], amount=order["charged"]
            )
        ]
    return []


def release(order: Doc, reason: str) -> ReleaseStock:
    key = order["_id"]
    return ReleaseStock(correlation_id=key, order_key=key, lines=stock_lines(order), reason=reason)


async def place_order(cmd: PlaceOrder, *, deps: SagaDeps) -> list[Outgoing]:
    existing = await deps.orders.get(cmd.order_key)
    if existing is not None:
        return follow_ups(existing)
    return follow_ups(await create_order(cmd, deps))


async def create_order(cmd: PlaceOrder, deps: SagaDeps, payload_ids: tuple[str, ...] = ()) -> Doc:
    """Price at the merchant's tier now and store; a concurrent duplicate gets the stored one."""
    tier = await deps.catalog.merchant_tier(cmd.merchant_id) or ""
    offers = await deps.catalog.offers(sorted({line.sku for line in cmd.lines}), at=cmd.received_at)
    pricing = price_lines(cmd.lines, offers, tier)
    order = new_order(cmd, pricing.lines, pricing.total_cost, pricing.rejection, pricing.bad_sku)
    # The tier is kept for routing rules by tier; the payloads link the raw pushes.
    return await deps.orders.insert({**order, "tier": tier, "payload_ids": list(payload_ids)})


def new_order(
    cmd: PlaceOrder, lines: list[Doc], total: int, rejection: str | None, bad_sku: str | None
) -> Doc:
    now = utcnow()
    events = [log_entry("received", now, lines=len(cmd.lines))]
    if rejection:
        events.append(log_entry("rejected", now, reason=rejection, sku=bad_sku))
    return {
        "_id": cmd.order_key,
        "platform": cmd.platform,
        "shop_id": cmd.shop_id,
        "platform_order_id": cmd.platform_order_id,
        "merchant_id": cmd.merchant_id,
        "status": S.REJECTED if rejection else S.RECEIVED,
        "reason": rejection,
        "lines": lines or [ln.model_dump() for ln in cmd.lines],
        "total_cost": total,
        "discount": 0,
        "charged": total,
        "shipping_address": cmd.shipping_address.model_dump(),
        "events": events,
        "received_at": cmd.received_at,
        "list_key": f"{cmd.received_at.isoformat()}|{cmd.order_key}",
    }


async def on_stock_reserved(evt: StockReserved, *, deps: SagaDeps) -> list[Outgoing]:
    order = await deps.orders.transition(
        evt.order_key, [S.RECEIVED], S.RESERVED, [log_entry("reserved", utcnow())]
    )
    if order is None:
        return []
    if order["status"] in CLOSED_UNPAID:  # reserved after the order was closed: give it back
        return [release(order, "order_closed")]
    return follow_ups(order)


async def on_stock_rejected(evt: StockRejected, *, deps: SagaDeps) -> list[Outgoing]:
    entry = log_entry("rejected", utcnow(), reason=evt.reason, sku=evt.sku)
    await deps.orders.transition(evt.order_key, [S.RECEIVED], S.REJECTED, [entry], reason=evt.reason)
    return []


async def on_funds_insufficient(evt: FundsInsufficient, *, deps: SagaDeps) -> list[Outgoing]:
    now = utcnow()
    entry = log_entry("awaiting_funds", now, amount=evt.amount, balance=evt.balance)
    order = await deps.orders.transition(
        evt.order_key, [S.RESERVED], S.AWAITING_FUNDS, [entry], awaiting_since=now
    )
    if order is None or order["status"] != S.AWAITING_FUNDS:
        return []
    expire = ExpireFundsHold(correlation_id=evt.order_key, order_key=evt.order_key)
    return [Later(expire, deps.funds_hold_seconds)]


async def on_wallet_debited(evt: WalletDebited, *, deps: SagaDeps) -> list[Outgoing]:
    order = await deps.orders.get(evt.order_key)
    if order is None:
        return []
    if order["status"] in CLOSED_UNPAID:  # expired while the resumed debit was in flight
        return [
            CreditWallet(
                correlation_id=evt.order_key,
                merchant_id=evt.merchant_id,
                amount=evt.amount,
                kind="refund_credit",
                reference=evt.order_key,
            )
        ]
    was_waiting = order["status"] == S.AWAITING_FUNDS or any(
        e["type"] == "awaiting_funds" for e in order["events"]
    )
    out: list[Outgoing] = []
    if order["status"] in (S.RESERVED, S.AWAITING_FUNDS):
        out += await route(order, evt, deps)
    if was_waiting:
        out += await resume_oldest_waiting(order["merchant_id"], deps)
    return out


async def route(order: Doc, evt: WalletDebited, deps: SagaDeps) -> list[Outgoing]:
    """Split by supplier and account, store the sub-orders, then mark the order routed.

    The account is chosen once: a redelivery reads back the stored sub-orders, so a rule
    changed in between does not move a sub-order already routed.
    """
    now = utcnow()
    subs = split_by_supplier(order, await choose_accounts(order, deps.catalog))
    for sub in subs:
        sub.update(routed_at=now, list_key=f"{now.isoformat()}|{sub['_id']}")
    subs = await deps.orders.add_sub_orders(subs)
    entries = [
        log_entry("paid", now, amount=evt.amount, balance_after=evt.balance_after),
        log_entry("routed", now, sub_orders=[s["_id"] for s in subs]),
    ]
    # The sub-orders' own state lives in their collection; the order only waits for their shipment.
    routed = await deps.orders.transition(
        order["_id"],
        [S.RESERVED, S.AWAITING_FUNDS],
        S.ROUTED,
        entries,
        awaiting_shipment=[s["_id"] for s in subs],
        routed_at=now,
    )
    if routed is None or routed["status"] != S.ROUTED:
        return []
    key = order["_id"]
    out: list[Outgoing] = [
        PushSubOrder(correlation_id=key, order_key=key, sub_order_id=sub_id)
        for sub_id in await pushed_by_webhook(subs, deps.catalog)
    ]
    out.append(
        OrderRouted(
            correlation_id=key,
            order_key=key,
            merchant_id=order["merchant_id"],
            sub_order_ids=[s["_id"] for s in subs],
            charged=order["charged"],
        )
    )
    return out


async def resume_oldest_waiting(merchant_id: str, deps: SagaDeps) -> list[Outgoing]:
    """Try the merchant's oldest waiting order; its outcome decides whether to try the next."""
    waiting = await deps.orders.oldest_awaiting_funds(merchant_id)
    if waiting is None:
        return []
    key = waiting["_id"]
    return [
        DebitWallet(correlation_id=key, order_key=key, merchant_id=merchant_id, amount=waiting["charged"])
    ]


async def on_wallet_credited(evt: WalletCredited, *, deps: SagaDeps) -> list[Outgoing]:
    return await resume_oldest_waiting(evt.merchant_id, deps)


async def expire_funds_hold(cmd: ExpireFundsHold, *, deps: SagaDeps) -> list[Outgoing]:
    entry = log_entry("rejected", utcnow(), reason="insufficient_funds")
    order = await deps.orders.transition(
        cmd.order_key, [S.AWAITING_FUNDS], S.REJECTED, [entry], reason="insufficient_funds"
    )
    if order is None or order.get("reason") != "insufficient_funds":
        return []
    return [release(order, "insufficient_funds")]
