"""Credential rotation: old and new both valid for a grace period, a redelivery rotates once.

The edge generates the new key (only its hash comes here) or secret, so the identity of a
rotation is its new credential, and every expiry is computed from the request's time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from juhe.replies import Reply, ok, refuse
from schemas.applications import RotateApiKey, RotateWebhookSecret
from workers.accounts.handlers import API_KEYS, store_api_key
from workers.accounts.routing import ACCOUNTS

Db = AsyncDatabase[dict[str, Any]]
#: Compare-and-set attempts against rotations of the same secret racing this one.
_CAS_ATTEMPTS = 5


async def rotate_api_key(cmd: RotateApiKey, *, db: Db) -> Reply:
    """Store the new key, then end the grace of every older live key of the owner.

    Only keys created before this request are expired, so a late redelivery of an older
    rotation never cuts short a key issued after it. A main key and each account's keys rotate
    separately.
    """
    collection, selector, what = _key_holder(cmd)
    if await db[collection].find_one(selector, {"_id": 1}) is None:
        return refuse("not_found", f"{what} not found")
    expires_at = expiry(cmd.occurred_at, cmd.grace_seconds)
    await store_api_key(
        db, cmd.new_key_hash, cmd.kind, cmd.owner_id, account_id=cmd.account_id, created_at=cmd.occurred_at
    )
    older_live = {
        "owner_id": cmd.owner_id,
        "kind": cmd.kind,
        "account_id": cmd.account_id,
        "expires_at": None,
        "created_at": {"$lt": cmd.occurred_at},
    }
    await db[API_KEYS].update_many(older_live, {"$set": {"expires_at": expires_at}})
    return ok({"previous_key_expires_at": expires_at.isoformat()})


async def rotate_webhook_secret(cmd: RotateWebhookSecret, *, db: Db) -> Reply:
    """The current secret becomes `previous_webhook_secret` until `previous_secret_expires_at`."""
    collection, selector, what = _holder(cmd)
    expires_at = expiry(cmd.occurred_at, cmd.grace_seconds)
    for _ in range(_CAS_ATTEMPTS):
        current = await db[collection].find_one(selector)
        if current is None:
            return refuse("not_found", f"{what} not found")
        if current["webhook_secret"] == cmd.new_secret:  # a redelivery of this rotation
            return ok({"previous_secret_expires_at": expires_at.isoformat()})
        if _rotated_since(current, cmd.occurred_at):
            return refuse("conflict", f"the {what}'s secret was rotated again after this request")
        rotated = await db[collection].find_one_and_update(
            {**selector, "webhook_secret": current["webhook_secret"]},
            {"$set": _rotation(current["webhook_secret"], cmd, expires_at)},
            return_document=ReturnDocument.AFTER,
        )
        if rotated is not None:
            return ok({"previous_secret_expires_at": expires_at.isoformat()})
    return refuse("conflict", f"the {what}'s secret is being rotated concurrently; try again")


def expiry(at: datetime, grace_seconds: int) -> datetime:
    """End of a grace period, to the millisecond the store keeps, so the reply equals the record."""
    end = at + timedelta(seconds=grace_seconds)
    return end.replace(microsecond=end.microsecond // 1000 * 1000)


def _key_holder(cmd: RotateApiKey) -> tuple[str, dict[str, Any], str]:
    if cmd.account_id is not None:
        return ACCOUNTS, {"_id": cmd.account_id, "supplier_id": cmd.owner_id}, "account"
    return ("suppliers" if cmd.kind == "supplier" else "merchants"), {"_id": cmd.owner_id}, cmd.kind


def _holder(cmd: RotateWebhookSecret) -> tuple[str, dict[str, Any], str]:
    if cmd.account_id is not None:
        return ACCOUNTS, {"_id": cmd.account_id, "supplier_id": cmd.owner_id}, "account"
    if cmd.shop_id is None:
        return "suppliers", {"_id": cmd.owner_id}, "supplier"
    return "shops", {"_id": f"{cmd.platform}:{cmd.shop_id}", "merchant_id": cmd.owner_id}, "shop"


def _rotated_since(doc: dict[str, Any], at: datetime) -> bool:
    rotated_at: datetime | None = doc.get("secret_rotated_at")
    return rotated_at is not None and rotated_at >= at


def _rotation(old: str, cmd: RotateWebhookSecret, expires_at: datetime) -> dict[str, Any]:
    return {
        "webhook_secret": cmd.new_secret,
        "previous_webhook_secret": old,
        "previous_secret_expires_at": expires_at,
        "secret_rotated_at": cmd.occurred_at,
    }


async def purge_expired_keys(db: Db, now: datetime) -> int:
    """Delete keys whose grace period is over: they are refused already, this only tidies."""
    result = await db[API_KEYS].delete_many({"expires_at": {"$lt": now}})
    return result.deleted_count
