"""Routing (分流): which supplier account serves a sub-order, and which sub-orders are pushed."""

from __future__ import annotations

from typing import Any

from workers.order.model import choose_account
from workers.order.repository import CatalogReader

Doc = dict[str, Any]


async def choose_accounts(order: Doc, catalog: CatalogReader) -> dict[str, str | None]:
    """Per supplier of the order, the account its routing rules send this merchant to."""
    suppliers = sorted({line["supplier_id"] for line in order["lines"]})
    rules = await catalog.routing_rules(suppliers)
    if not rules:
        return {}
    tier = order.get("tier") or await catalog.merchant_tier(order["merchant_id"])
    return {s: choose_account(rules.get(s, []), order["merchant_id"], tier) for s in suppliers}


async def pushed_by_webhook(subs: list[Doc], catalog: CatalogReader) -> list[str]:
    """Sub-orders whose account, or whose supplier when unrouted, delivers by webhook."""
    routed = [s["account_id"] for s in subs if s.get("account_id")]
    unrouted = [s["supplier_id"] for s in subs if not s.get("account_id")]
    accounts = await catalog.webhook_accounts(routed) if routed else set()
    suppliers = await catalog.webhook_suppliers(unrouted) if unrouted else set()
    return [
        s["_id"]
        for s in subs
        if (s["account_id"] in accounts if s.get("account_id") else s["supplier_id"] in suppliers)
    ]
