"""Merchant tiers as data: seeded from settings, added by the operator, read by everyone."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from juhe.replies import Reply, ok, refuse
from schemas.applications import AddTier
from schemas.envelope import utcnow
from workers.accounts.queries import AccountsQueries
from workers.catalog.queries import CatalogQueries

Db = AsyncDatabase[dict[str, Any]]
TIERS = "tiers"


async def known_tiers(db: Db) -> list[str]:
    return await AccountsQueries(db).known_tiers()


async def unknown_tier(db: Db, tier: str) -> Reply | None:
    """A refusal naming the field when `tier` is not a known tier, else None."""
    tiers = await known_tiers(db)
    if tier in tiers:
        return None
    return refuse("invalid", f"tier: unknown tier {tier!r}; known: {tiers}")


async def seed_tiers(db: Db, names: list[str]) -> None:
    """Idempotent: an existing tier is left as it is, so restarts and many workers are safe."""
    for name in names:
        with suppress(DuplicateKeyError):  # another worker seeded it at the same moment
            await db[TIERS].update_one(
                {"_id": name},
                {"$setOnInsert": {"created_at": utcnow(), "source": "settings", "request_id": None}},
                upsert=True,
            )


async def add_tier(cmd: AddTier, *, db: Db) -> Reply:
    """Add a tier; the reply reports which SKUs have no price for it (they are not orderable)."""
    doc = {"_id": cmd.name, "created_at": cmd.occurred_at, "source": "operator", "request_id": cmd.request_id}
    try:
        await db[TIERS].insert_one(doc)
    except DuplicateKeyError:
        stored = await db[TIERS].find_one({"_id": cmd.name})
        if stored is None or stored.get("request_id") != cmd.request_id:
            return refuse("conflict", f"name: tier {cmd.name!r} already exists")
    count, sample = await CatalogQueries(db).skus_missing_price(cmd.name)
    return ok({"name": cmd.name, "skus_missing_price": count, "sample": sample})
