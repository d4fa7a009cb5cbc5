"""Replacement orders (补单): which units of an order may be sent again, and the reship order.

A reship is its own order (`reship_key`), priced like the lines it replaces, linked both ways
with the original, and run through the same saga: reserve, debit only when charged, route.
Only lines of shipped sub-orders are eligible, and per SKU the reshipped quantity over all the
order's reships that were not rejected never passes the shipped quantity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from schemas.common import StockLine
from schemas.reship import OpenReship
from workers.order.model.order import LogEntry, Order, OrderStatus
from workers.order.model.reship_links import ReshipClaim, ReshipOf
from workers.order.model.sub_order import SubOrder


def reship_key(order_key: str, reship_id: str) -> str:
    """The reship's order key: its own namespace (no platform is called `reship`), scoped to the
    original, so the same client id on the same order is the same reship."""
    return f"reship:{order_key}:{reship_id}"


@dataclass(frozen=True)
class Refusal:
    """`conflict`: the order cannot be reshipped now; `invalid`: a line or field is wrong."""

    kind: Literal["conflict", "invalid"]
    message: str


def shipped_quantities(subs: Sequence[SubOrder]) -> Counter[str]:
    """Units per SKU in the order's shipped sub-orders (those with a shipment)."""
    shipped: Counter[str] = Counter()
    for sub in subs:
        if sub.shipment is not None:
            for line in sub.lines:
                shipped[line.sku] += line.qty
    return shipped


def claimed_quantities(order: Order, but: str | None = None) -> Counter[str]:
    """Units per SKU already claimed by the order's reships that were not rejected."""
    claimed: Counter[str] = Counter()
    for claim in order.reships:
        if claim.rejected is None and claim.key != but:
            for line in claim.lines:
                claimed[line.sku] += line.qty
    return claimed


def reship_refusal(order: Order, subs: Sequence[SubOrder], lines: Sequence[StockLine]) -> Refusal | None:
    """Why these lines cannot be reshipped for `order` now, naming the line; None when they can."""
    if order.reship is not None:
        return Refusal(
            "conflict", f"a reship cannot be reshipped; reship its original {order.reship.order_key}"
        )
    shipped = shipped_quantities(subs)
    if not shipped:
        return Refusal("conflict", f"order is {order.status} and none of its sub-orders has shipped")
    left = shipped - claimed_quantities(order)
    asked: Counter[str] = Counter()
    for index, line in enumerate(lines):
        asked[line.sku] += line.qty
        if line.sku not in shipped:
            return Refusal(
                "invalid", f"lines[{index}]: {line.sku} is not in a shipped sub-order of this order"
            )
        if asked[line.sku] > left[line.sku]:
            return Refusal(
                "invalid",
                f"lines[{index}]: {asked[line.sku]} of {line.sku} asked, only {left[line.sku]} "
                f"shipped and not yet reshipped",
            )
    return None


def line_suppliers(order: Order, lines: Sequence[StockLine]) -> set[str]:
    by_sku = {line.sku: line.supplier_id for line in order.lines}
    return {by_sku[line.sku] or "" for line in lines if line.sku in by_sku}


def account_refusal(suppliers: set[str], account_id: str, accounts: set[str]) -> Refusal | None:
    """An account the operator picks must be one of `accounts`, those of the one supplier of
    every reshipped line (`line_suppliers`)."""
    if len(suppliers) != 1:
        return Refusal(
            "invalid", f"account_id: the lines are of {len(suppliers)} suppliers; open one reship each"
        )
    if account_id not in accounts:
        return Refusal(
            "invalid", f"account_id: {account_id} is not an account of supplier {next(iter(suppliers))}"
        )
    return None


def merged(lines: Sequence[StockLine]) -> list[StockLine]:
    """One line per SKU, in first-seen order."""
    qty: Counter[str] = Counter()
    for line in lines:
        qty[line.sku] += line.qty
    return [StockLine(sku=sku, qty=n) for sku, n in qty.items()]


def new_claim(cmd: OpenReship, at: datetime) -> ReshipClaim:
    return ReshipClaim(
        key=reship_key(cmd.order_key, cmd.reship_id),
        reship_id=cmd.reship_id,
        reason=cmd.reason,
        lines=merged(cmd.lines),
        charge=cmd.charge,
        requested_by=cmd.requested_by,
        at=at,
        account_id=cmd.account_id,
    )


def opened_entry(claim: ReshipClaim, at: datetime) -> LogEntry:
    """The original's change-log entry for a reship opened on it."""
    lines = [f"{line.sku}:{line.qty}" for line in claim.lines]
    return LogEntry.of(
        "reship_opened", at, reship_key=claim.key, reason=claim.reason, lines=lines, by=claim.requested_by
    )


def reship_order(original: Order, claim: ReshipClaim, subs: Sequence[SubOrder]) -> Order:
    """The replacement order, built only from stored state (a repeat builds the same one): the
    original's lines at their cost, its shop and platform order id (the shop's shipment sync
    names the platform's order), charged its cost only when the operator charges it."""
    priced = {line.sku: line for line in reversed(original.lines)}
    lines = [priced[line.sku].model_copy(update={"qty": line.qty}) for line in claim.lines]
    cost = sum(line.cost for line in lines)
    key = claim.key
    link = ReshipOf(
        order_key=original.key,
        reship_id=claim.reship_id,
        reason=claim.reason,
        requested_by=claim.requested_by,
        accounts=reship_accounts(original, claim, subs),
    )
    received = LogEntry.of(
        "received", claim.at, lines=len(lines), reship_of=original.key, reason=claim.reason
    )
    return Order(
        key=key,
        platform=original.platform,
        shop_id=original.shop_id,
        platform_order_id=original.platform_order_id,
        merchant_id=original.merchant_id,
        status=OrderStatus.RECEIVED,
        lines=lines,
        total_cost=cost,
        charged=cost if claim.charge else 0,
        shipping_address=original.shipping_address,
        events=[received],
        received_at=claim.at,
        list_key=f"{claim.at.isoformat()}|{key}",
        tier=original.tier,
        reship=link,
    )


def reship_accounts(original: Order, claim: ReshipClaim, subs: Sequence[SubOrder]) -> dict[str, str | None]:
    """Per supplier of the reshipped lines: the operator's pick, else the original sub-order's."""
    sent_to = {sub.supplier_id: sub.account_id for sub in subs if sub.order_key == original.key}
    suppliers = sorted(line_suppliers(original, claim.lines))
    return {s: claim.account_id if claim.account_id else sent_to.get(s) for s in suppliers}


def routes_unpaid(order: Order) -> bool:
    """A reship charged nothing goes from reserved straight to routing: no debit at all."""
    return order.reship is not None and order.charged == 0
