"""Merchant tiers as data: the operator adds one; the answer names the SKUs not priced for it."""

from __future__ import annotations

from juhe.replies import Reply, ok, refuse
from schemas.applications import AddTier, TierAdded
from workers.accounts.handlers.ports import PriceGaps, TierStore
from workers.accounts.model import Tier


async def add_tier(cmd: AddTier, *, repo: TierStore, catalog: PriceGaps) -> Reply:
    """Added once: the same request again gets the same answer, another request a conflict.

    SKUs without a price for the new tier are not orderable at it; the answer counts them.
    """
    tier = Tier(name=cmd.name, created_at=cmd.occurred_at, source="operator", request_id=cmd.request_id)
    stored = await repo.insert_tier(tier)
    if stored.request_id != cmd.request_id:
        return refuse("conflict", f"name: tier {cmd.name!r} already exists")
    count, sample = await catalog.skus_missing_price(cmd.name)
    return ok(TierAdded(name=cmd.name, skus_missing_price=count, sample=sample).model_dump(mode="json"))
