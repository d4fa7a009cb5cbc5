"""Merchant tiers as data: seeded from settings, added by the operator, read by everyone."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from juhe.replies import Reply, ok, refuse
from schemas.applications import AddTier
from schemas.envelope import utcnow

Db = AsyncDatabase[dict[str, Any]]
TIERS = "tiers"
SAMPLE_SIZE = 100


async def known_tiers(db: Db) -> list[str]:
    """Every tier name, oldest first (the seeded ones, then those the operator added)."""
    docs = await db[TIERS].find({}, {"_id": 1}).sort([("created_at", 1), ("_id", 1)]).to_list()
    return [str(d["_id"]) for d in docs]


async def required_tiers(db: Db) -> list[str]:
    """The configured tiers: every SKU must carry a price for each of them.

    A tier the operator adds later is not required, or adding it would break every supplier's
    next upload; a SKU without its price is reported and not orderable at that tier.
    """
    docs = await db[TIERS].find({"source": "settings"}, {"_id": 1}).sort("_id", 1).to_list()
    return [str(d["_id"]) for d in docs]


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
    count, sample = await skus_missing_price(db, cmd.name)
    return ok({"name": cmd.name, "skus_missing_price": count, "sample": sample})


async def skus_missing_price(db: Db, tier: str) -> tuple[int, list[str]]:
    """How many SKUs lack a price for `tier`, and the first codes of them in code order."""
    missing = {f"tier_prices.{tier}": {"$exists": False}}
    count = await db["skus"].count_documents(missing)
    docs = await db["skus"].find(missing, {"_id": 1}).sort("_id", 1).limit(SAMPLE_SIZE).to_list()
    return count, [str(d["_id"]) for d in docs]
