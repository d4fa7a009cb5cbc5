"""Accounts' read side: tiers, merchants, shops, suppliers and their accounts and routing."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from juhe.platforms import adapter_for

Doc = dict[str, Any]
TIERS = "tiers"


class AccountsQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def known_tiers(self) -> list[str]:
        """Every tier name, oldest first (the seeded ones, then those the operator added)."""
        docs = await self._db[TIERS].find({}, {"_id": 1}).sort([("created_at", 1), ("_id", 1)]).to_list()
        return [str(d["_id"]) for d in docs]

    async def required_tiers(self) -> list[str]:
        """The configured tiers: every SKU must carry a price for each of them.

        A tier the operator adds later is not required, or adding it would break every
        supplier's next upload; a SKU without its price is reported and not orderable at that tier.
        """
        docs = await self._db[TIERS].find({"source": "settings"}, {"_id": 1}).sort("_id", 1).to_list()
        return [str(d["_id"]) for d in docs]

    async def merchant_tier(self, merchant_id: str) -> str | None:
        doc = await self._db["merchants"].find_one({"_id": merchant_id}, {"tier": 1})
        return None if doc is None else str(doc["tier"])

    async def shop(self, platform: str, shop_id: str) -> Doc | None:
        """A shop with, for app-signed platforms, its platform app's credentials under `app`."""
        shop: Doc | None = await self._db["shops"].find_one({"_id": f"{platform}:{shop_id}"})
        adapter = adapter_for(platform)
        if shop is not None and adapter is not None and adapter.signer == "app":
            shop["app"] = await self._db["platform_apps"].find_one({"_id": platform})
        return shop

    async def supplier(self, supplier_id: str) -> Doc | None:
        return await self._db["suppliers"].find_one({"_id": supplier_id})

    async def supplier_account(self, account_id: str) -> Doc | None:
        return await self._db["supplier_accounts"].find_one({"_id": account_id})

    async def routing_rules(self, supplier_ids: list[str]) -> dict[str, list[Doc]]:
        cursor = self._db["supplier_routing"].find({"_id": {"$in": supplier_ids}})
        return {doc["_id"]: doc.get("rules", []) async for doc in cursor}

    async def webhook_suppliers(self, supplier_ids: list[str]) -> set[str]:
        cursor = self._db["suppliers"].find(
            {"_id": {"$in": supplier_ids}, "delivery.mode": "webhook"}, {"_id": 1}
        )
        return {doc["_id"] async for doc in cursor}

    async def webhook_accounts(self, account_ids: list[str]) -> set[str]:
        cursor = self._db["supplier_accounts"].find(
            {"_id": {"$in": account_ids}, "delivery.mode": "webhook"}, {"_id": 1}
        )
        return {doc["_id"] async for doc in cursor}
