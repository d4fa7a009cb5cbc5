"""The invariants of DESIGN.md, checked across every worker's collections at a quiet moment."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from workers.inventory.model import available

Db = AsyncDatabase[dict[str, Any]]


async def audit(db: Db) -> list[str]:
    """Every violation found, as a readable line; an empty list means all invariants hold."""
    return [*await _stock(db), *await _wallets(db), *await _orders(db)]


async def _stock(db: Db) -> list[str]:
    problems = []
    async for doc in db["stock"].find():
        sku, held = doc["_id"], sum(h["q"] for h in doc.get("holds", []))
        if doc["reserved"] < 0:
            problems.append(f"stock {sku}: reserved {doc['reserved']} < 0")
        if doc["reserved"] != held:
            problems.append(f"stock {sku}: reserved {doc['reserved']} != open holds {held}")
        if doc["available"] != available(doc["on_hand"], doc["reserved"]):
            problems.append(f"stock {sku}: available {doc['available']} != max(0, on_hand - reserved)")
    return problems


async def _wallets(db: Db) -> list[str]:
    sums: Counter[str] = Counter()
    last: dict[str, int] = {}
    async for entry in db["ledger"].find().sort([("merchant_id", 1), ("seq", 1)]):
        sums[entry["merchant_id"]] += entry["amount"]
        last[entry["merchant_id"]] = entry["balance_after"]
    problems = []
    async for wallet in db["wallets"].find():
        merchant = wallet["_id"]
        if wallet["balance"] != sums[merchant] or last.get(merchant, 0) != sums[merchant]:
            problems.append(f"wallet {merchant}: balance {wallet['balance']} != ledger sum {sums[merchant]}")
        if wallet["balance"] < -wallet.get("credit_limit", 0):
            problems.append(f"wallet {merchant}: balance {wallet['balance']} below its credit limit")
    return problems


async def _orders(db: Db) -> list[str]:
    routed_lines: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    async for sub in db["sub_orders"].find():
        for line in sub["lines"]:
            routed_lines[sub["order_key"]][(sub["supplier_id"], line["sku"])] += line["qty"]
    problems = []
    async for order in db["orders"].find({"status": {"$in": ["routed", "shipped", "completed"]}}):
        wanted: Counter[tuple[str, str]] = Counter()
        for line in order["lines"]:
            wanted[(line["supplier_id"], line["sku"])] += line["qty"]
        if routed_lines[order["_id"]] != wanted:
            problems.append(f"order {order['_id']}: sub-orders do not cover its lines exactly once")
    return problems
