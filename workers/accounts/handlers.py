"""Onboarding rules. Ids and credential hashes come from the edge, so a repeat is a no-op."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from juhe.replies import Reply, ok, refuse
from schemas.accounts import AddShop, ChangeMerchantTier, CreateMerchant, CreateSupplier, RegisterPlatformApp
from schemas.envelope import utcnow
from workers.accounts.tiers import unknown_tier

Db = AsyncDatabase[dict[str, Any]]
API_KEYS = "api_keys"
PLATFORM_APPS = "platform_apps"


async def create_supplier(cmd: CreateSupplier, *, db: Db) -> Reply:
    delivery = cmd.delivery.model_dump(mode="json")
    await insert_supplier(db, cmd.supplier_id, cmd.name, delivery, cmd.webhook_secret)
    await store_api_key(db, cmd.api_key_hash, "supplier", cmd.supplier_id)
    return ok({"id": cmd.supplier_id})


async def create_merchant(cmd: CreateMerchant, *, db: Db) -> Reply:
    if refusal := await unknown_tier(db, cmd.tier):
        return refusal
    await insert_merchant(db, cmd.merchant_id, cmd.name, cmd.tier)
    await store_api_key(db, cmd.api_key_hash, "merchant", cmd.merchant_id)
    return ok({"id": cmd.merchant_id})


async def insert_supplier(
    db: Db, supplier_id: str, name: str, delivery: dict[str, Any], webhook_secret: str
) -> None:
    doc = {"name": name, "delivery": delivery, "webhook_secret": webhook_secret}
    await insert_once(db, "suppliers", supplier_id, {**doc, "created_at": utcnow()})


async def insert_merchant(db: Db, merchant_id: str, name: str, tier: str) -> None:
    await insert_once(db, "merchants", merchant_id, {"name": name, "tier": tier, "created_at": utcnow()})


async def change_merchant_tier(cmd: ChangeMerchantTier, *, db: Db) -> Reply:
    if refusal := await unknown_tier(db, cmd.tier):
        return refusal
    result = await db["merchants"].update_one({"_id": cmd.merchant_id}, {"$set": {"tier": cmd.tier}})
    if result.matched_count == 0:
        return refuse("not_found", "merchant not found")
    return ok({"id": cmd.merchant_id, "tier": cmd.tier})


async def add_shop(cmd: AddShop, *, db: Db) -> Reply:
    if await db["merchants"].find_one({"_id": cmd.merchant_id}, {"_id": 1}) is None:
        return refuse("not_found", "merchant not found")
    key = f"{cmd.platform}:{cmd.shop_id}"
    doc = {
        "merchant_id": cmd.merchant_id,
        "platform": cmd.platform,
        "shop_id": cmd.shop_id,
        "callback_url": str(cmd.callback_url) if cmd.callback_url else None,
        "webhook_secret": cmd.webhook_secret,
        "created_at": utcnow(),
    }
    stored = await insert_once(db, "shops", key, doc)
    if stored["merchant_id"] != cmd.merchant_id or stored["webhook_secret"] != cmd.webhook_secret:
        return refuse("conflict", f"shop {cmd.platform}/{cmd.shop_id} is already registered")
    return ok({"platform": cmd.platform, "shop_id": cmd.shop_id, "webhook_secret": stored["webhook_secret"]})


async def register_platform_app(cmd: RegisterPlatformApp, *, db: Db) -> Reply:
    """One app per platform (`_id` = platform); registering again replaces its credentials.

    The secret is kept as given: platforms sign with it (MD5 over it), so it cannot be hashed.
    """
    doc = {"app_key": cmd.app_key, "app_secret": cmd.app_secret, "updated_at": utcnow()}
    await db[PLATFORM_APPS].update_one({"_id": cmd.platform}, {"$set": doc}, upsert=True)
    return ok({"platform": cmd.platform, "app_key": cmd.app_key})


async def insert_once(db: Db, collection: str, key: str, doc: dict[str, Any]) -> dict[str, Any]:
    """Insert under `key`, or return what a previous delivery (or someone else) stored."""
    try:
        await db[collection].insert_one({"_id": key, **doc})
    except DuplicateKeyError:
        existing = await db[collection].find_one({"_id": key})
        assert existing is not None
        return existing
    return {"_id": key, **doc}


async def store_api_key(
    db: Db,
    key_hash: str,
    kind: str,
    owner_id: str,
    *,
    account_id: str | None = None,
    created_at: datetime | None = None,
) -> None:
    """One document per key, keyed by its hash: the edge finds a caller with one `_id` read.

    `expires_at` is None for a live key; rotation sets it on the old key to end its grace.
    """
    doc = {"kind": kind, "owner_id": owner_id, "account_id": account_id, "expires_at": None}
    await insert_once(db, API_KEYS, key_hash, {**doc, "created_at": created_at or utcnow()})


async def ensure_indexes(db: Db) -> None:
    await db[API_KEYS].create_index([("owner_id", 1), ("kind", 1)])
    await db[API_KEYS].create_index("expires_at", sparse=True)
    await db["shops"].create_index("merchant_id")
