"""Replacement orders (补单): open one on the original (claiming its shipped units in one
conditional write), store it as its own order, and free its units again if it is rejected.

The edge refuses early with the same rules (`model.reships`); the claim re-checks them against
the stored order, so concurrent reships of the same lines never pass the shipped quantity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import structlog

from juhe.outgoing import Outgoing
from schemas.envelope import utcnow
from schemas.events import OrderClosed
from schemas.reship import OpenReship, ReshipOpened
from workers.order.handlers.saga import SagaDeps, follow_ups
from workers.order.model import LogEntry, Order, SubOrder
from workers.order.model.reship_links import ReshipClaim
from workers.order.model.reships import new_claim, opened_entry, reship_key, reship_order, reship_refusal

_log = structlog.get_logger("order.reships")
#: Claims lost to a concurrent reship of the same order before the message is redelivered.
MAX_CLAIM_ATTEMPTS = 20


class ReshipStore(Protocol):
    """The original's side of the link; the same collections as `OrderStore`."""

    async def sub_orders_of(self, order_key: str) -> list[SubOrder]: ...
    async def claim(self, order_key: str, claim: ReshipClaim, seen: int, entry: LogEntry) -> bool:
        """Append `claim` (and log `entry`) if the order still has exactly `seen` reships and
        none with this key; False otherwise."""
        ...

    async def release(self, order_key: str, reship_key: str, reason: str, entry: LogEntry) -> bool:
        """Mark the claim rejected once (its units count no more), logging in the same write."""
        ...

    async def log_refusal(self, order_key: str, entry: LogEntry, reship_key: str) -> None:
        """Append unless a refusal of this reship is already logged."""
        ...


@dataclass(frozen=True)
class ReshipDeps:
    saga: SagaDeps
    reships: ReshipStore


async def open_reship(cmd: OpenReship, *, deps: ReshipDeps) -> list[Outgoing]:
    """Claim the units on the original, then store the reship and start its saga; a repeat
    finds its claim and re-derives the same reship and follow-ups from it."""
    claimed = await _claim(cmd, deps)
    if claimed is None:
        return []
    original, claim, subs = claimed
    reship = await deps.saga.orders.insert(reship_order(original, claim, subs))
    opened = ReshipOpened(
        correlation_id=reship.key,
        reship_key=reship.key,
        order_key=original.key,
        merchant_id=reship.merchant_id,
        reason=claim.reason,
        lines=claim.lines,
        charged=reship.charged,
    )
    return [*follow_ups(reship), opened]


async def _claim(cmd: OpenReship, deps: ReshipDeps) -> tuple[Order, ReshipClaim, list[SubOrder]] | None:
    key = reship_key(cmd.order_key, cmd.reship_id)
    for _ in range(MAX_CLAIM_ATTEMPTS):
        original = await deps.saga.orders.get(cmd.order_key)
        if original is None or original.merchant_id != cmd.merchant_id:
            _log.warning("reship.no_such_order")
            return None
        subs = await deps.reships.sub_orders_of(original.key)
        stored = next((c for c in original.reships if c.key == key), None)
        if stored is not None:
            return original, stored, subs
        refusal = reship_refusal(original, subs, cmd.lines)
        if refusal is not None:
            entry = LogEntry.of("reship_refused", utcnow(), reship_key=key, reason=refusal.message)
            await deps.reships.log_refusal(original.key, entry, key)
            return None
        now = utcnow()
        claim = new_claim(cmd, now)
        if await deps.reships.claim(original.key, claim, len(original.reships), opened_entry(claim, now)):
            return original, claim, subs
    raise RuntimeError(f"reship {key}: the order kept changing; redeliver")


async def on_order_closed(evt: OrderClosed, *, deps: ReshipDeps) -> list[Outgoing]:
    """A reship that closed unshipped (stock refused, funds hold expired, cancelled) is shown
    rejected on its original, and the units it claimed may be reshipped again."""
    reship = await deps.saga.orders.get(evt.order_key)
    if reship is None or reship.reship is None:
        return []
    reason = evt.reason or evt.status
    entry = LogEntry.of("reship_rejected", utcnow(), reship_key=reship.key, reason=reason)
    await deps.reships.release(reship.reship.order_key, reship.key, reason, entry)
    return []
