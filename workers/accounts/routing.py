"""Supplier accounts and the rules that route a supplier's merchants to them."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from juhe.replies import Reply, ok, refuse
from schemas.envelope import utcnow
from schemas.supplier_accounts import CreateSupplierAccount, RoutingRule, SetSupplierRouting
from workers.accounts.handlers import insert_once, store_api_key
from workers.accounts.tiers import known_tiers

Db = AsyncDatabase[dict[str, Any]]
ACCOUNTS = "supplier_accounts"
ROUTING = "supplier_routing"


async def create_supplier_account(cmd: CreateSupplierAccount, *, db: Db) -> Reply:
    if await db["suppliers"].find_one({"_id": cmd.supplier_id}, {"_id": 1}) is None:
        return refuse("not_found", "supplier not found")
    doc = cmd.model_dump(
        mode="json", include={"supplier_id", "name", "channel", "delivery", "webhook_secret"}
    )
    stored = await insert_once(db, ACCOUNTS, cmd.account_id, {**doc, "created_at": utcnow()})
    if stored["supplier_id"] != cmd.supplier_id:
        return refuse("conflict", f"account {cmd.account_id} belongs to another supplier")
    await store_api_key(db, cmd.api_key_hash, "supplier", cmd.supplier_id, account_id=cmd.account_id)
    return ok({"id": cmd.account_id})


async def set_supplier_routing(cmd: SetSupplierRouting, *, db: Db) -> Reply:
    """Replace all rules in one write, after checking each names only the supplier's own."""
    tiers = await known_tiers(db)
    owned = {doc["_id"] async for doc in db[ACCOUNTS].find({"supplier_id": cmd.supplier_id}, {"_id": 1})}
    wanted = sorted({r.merchant_id for r in cmd.rules if r.merchant_id})
    merchants = {doc["_id"] async for doc in db["merchants"].find({"_id": {"$in": wanted}}, {"_id": 1})}
    if problem := rules_problem(cmd.rules, owned, merchants, tiers):
        return refuse("invalid", problem)
    rules = [r.model_dump(exclude_none=True) for r in cmd.rules]
    await db[ROUTING].update_one(
        {"_id": cmd.supplier_id}, {"$set": {"rules": rules, "updated_at": utcnow()}}, upsert=True
    )
    return ok({"rules": rules})


def rules_problem(
    rules: list[RoutingRule], accounts: set[str], merchants: set[str], tiers: list[str]
) -> str | None:
    """The first bad rule, named by its index and field, or None when all are sound."""
    seen: set[tuple[str, str]] = set()
    for i, rule in enumerate(rules):
        selector = _selector(rule)
        if rule.account_id not in accounts:
            return f"rules.{i}.account_id: no account {rule.account_id!r} of this supplier"
        if rule.merchant_id is not None and rule.merchant_id not in merchants:
            return f"rules.{i}.merchant_id: no merchant {rule.merchant_id!r}"
        if rule.tier is not None and rule.tier not in tiers:
            return f"rules.{i}.tier: unknown tier {rule.tier!r}; configured: {tiers}"
        if selector in seen:
            return f"rules.{i}.{selector[0]}: a second rule for the same {selector[0]}"
        seen.add(selector)
    return None


def _selector(rule: RoutingRule) -> tuple[str, str]:
    if rule.merchant_id is not None:
        return "merchant_id", rule.merchant_id
    if rule.tier is not None:
        return "tier", rule.tier
    return "default", ""


async def ensure_indexes(db: Db) -> None:
    await db[ACCOUNTS].create_index("supplier_id")
