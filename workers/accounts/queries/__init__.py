"""Accounts' read side: tiers, merchants, shops, suppliers and their accounts and routing, keys,
applications. The edge and the other areas read accounts only through `AccountsQueries`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeVar

from pydantic import BaseModel
from pymongo.asynchronous.cursor import AsyncCursor
from pymongo.asynchronous.database import AsyncDatabase

from juhe.platforms import adapter_for
from juhe.store.pages import Page, keyset_page
from schemas.supplier_accounts import RoutingRule
from workers.accounts.model import (
    ApiKey,
    Application,
    ApplicationStatus,
    Merchant,
    PartyKind,
    PlatformApp,
    Shop,
    Supplier,
    SupplierAccount,
    SupplierRouting,
    Tier,
    shop_key,
)
from workers.accounts.queries.views import AccountView, ApplicationView, ShopWithApp, TierView

__all__ = [
    "AccountView",
    "AccountsQueries",
    "ApiKey",
    "Application",
    "ApplicationView",
    "Merchant",
    "Page",
    "PlatformApp",
    "RoutingRule",
    "Shop",
    "ShopWithApp",
    "Supplier",
    "SupplierAccount",
    "TierView",
]

Doc = dict[str, Any]
V = TypeVar("V", bound=BaseModel)

API_KEYS = "api_keys"
APPLICATIONS = "applications"
MERCHANTS = "merchants"
PLATFORM_APPS = "platform_apps"
SHOPS = "shops"
SUPPLIERS = "suppliers"
SUPPLIER_ACCOUNTS = "supplier_accounts"
SUPPLIER_ROUTING = "supplier_routing"
TIERS = "tiers"


class AccountsQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def known_tiers(self) -> list[str]:
        """Every tier name, oldest first (the seeded ones, then those the operator added)."""
        return [tier.name for tier in await self.tiers()]

    async def tiers(self) -> list[TierView]:
        docs = await self._db[TIERS].find({}).sort([("created_at", 1), ("_id", 1)]).to_list()
        return [TierView.model_validate(Tier.model_validate(doc).model_dump()) for doc in docs]

    async def required_tiers(self) -> list[str]:
        """The tiers a new SKU, or a SKU's price change, must price: every tier there is.

        Once the operator adds a tier, suppliers price it from their next upload on; the SKUs
        that existed before stay reported (`POST /v1/tiers`) and unorderable at that tier until
        a price change prices them.
        """
        return await self.known_tiers()

    async def merchant_tier(self, merchant_id: str) -> str | None:
        doc = await self._db[MERCHANTS].find_one({"_id": merchant_id}, {"tier": 1})
        return None if doc is None else str(doc["tier"])

    async def merchant(self, merchant_id: str) -> Merchant | None:
        doc = await self._db[MERCHANTS].find_one({"_id": merchant_id})
        return None if doc is None else Merchant.model_validate(doc)

    async def shop(self, platform: str, shop_id: str) -> ShopWithApp | None:
        """A shop with, for app-signed platforms, its platform app's credentials under `app`."""
        doc = await self._db[SHOPS].find_one({"_id": shop_key(platform, shop_id)})
        if doc is None:
            return None
        adapter = adapter_for(platform)
        signed_by_app = adapter is not None and adapter.signer == "app"
        app = await self.platform_app(platform) if signed_by_app else None
        return ShopWithApp.model_validate({**doc, "app": app})

    async def shops(self, platform: str, shop_ids: list[str]) -> dict[str, Shop]:
        """Those of the platform's shops that exist, by shop id."""
        keys = sorted({shop_key(platform, shop_id) for shop_id in shop_ids})
        cursor = self._db[SHOPS].find({"_id": {"$in": keys}})
        return {shop.shop_id: shop async for shop in _as(Shop, cursor)}

    async def platform_app(self, platform: str) -> PlatformApp | None:
        doc = await self._db[PLATFORM_APPS].find_one({"_id": platform})
        return None if doc is None else PlatformApp.model_validate(doc)

    async def party_exists(self, kind: PartyKind, party_id: str) -> bool:
        collection = SUPPLIERS if kind == "supplier" else MERCHANTS
        return await self._db[collection].find_one({"_id": party_id}, {"_id": 1}) is not None

    async def api_key(self, key_hash: str) -> ApiKey | None:
        doc = await self._db[API_KEYS].find_one({"_id": key_hash})
        return None if doc is None else ApiKey.model_validate(doc)

    async def supplier(self, supplier_id: str) -> Supplier | None:
        doc = await self._db[SUPPLIERS].find_one({"_id": supplier_id})
        return None if doc is None else Supplier.model_validate(doc)

    async def supplier_account(self, account_id: str) -> SupplierAccount | None:
        doc = await self._db[SUPPLIER_ACCOUNTS].find_one({"_id": account_id})
        return None if doc is None else SupplierAccount.model_validate(doc)

    async def supplier_accounts(self, supplier_id: str, cursor: str | None, limit: int) -> Page[AccountView]:
        """Oldest id first."""
        docs, next_cursor = await self._page(SUPPLIER_ACCOUNTS, {"supplier_id": supplier_id}, cursor, limit)
        accounts = [SupplierAccount.model_validate(doc) for doc in docs]
        return Page(
            items=[AccountView.model_validate(a.model_dump()) for a in accounts], next_cursor=next_cursor
        )

    async def account_ids(self, supplier_id: str) -> set[str]:
        """The ids of the supplier's accounts: the only accounts its routing rules may name."""
        cursor = self._db[SUPPLIER_ACCOUNTS].find({"supplier_id": supplier_id}, {"_id": 1})
        return {doc["_id"] async for doc in cursor}

    async def existing_merchants(self, merchant_ids: list[str]) -> set[str]:
        cursor = self._db[MERCHANTS].find({"_id": {"$in": merchant_ids}}, {"_id": 1})
        return {doc["_id"] async for doc in cursor}

    async def merchant_ids_of_tier(self, tier: str, after: str | None, limit: int) -> list[str]:
        """A page of the tier's merchant ids in id order, after `after` (for coupon fan-outs)."""
        query: Doc = {"tier": tier} if after is None else {"tier": tier, "_id": {"$gt": after}}
        cursor = self._db[MERCHANTS].find(query, {"_id": 1}).sort("_id", 1).limit(limit)
        return [str(doc["_id"]) async for doc in cursor]

    async def routing_rules(self, supplier_ids: list[str]) -> dict[str, list[RoutingRule]]:
        """Each supplier's rules; a supplier that never set any is absent."""
        cursor = self._db[SUPPLIER_ROUTING].find({"_id": {"$in": supplier_ids}})
        return {routing.supplier_id: routing.rules async for routing in _as(SupplierRouting, cursor)}

    async def webhook_suppliers(self, supplier_ids: list[str]) -> set[str]:
        cursor = self._db[SUPPLIERS].find(
            {"_id": {"$in": supplier_ids}, "delivery.mode": "webhook"}, {"_id": 1}
        )
        return {doc["_id"] async for doc in cursor}

    async def webhook_accounts(self, account_ids: list[str]) -> set[str]:
        cursor = self._db[SUPPLIER_ACCOUNTS].find(
            {"_id": {"$in": account_ids}, "delivery.mode": "webhook"}, {"_id": 1}
        )
        return {doc["_id"] async for doc in cursor}

    async def application(self, application_id: str) -> Application | None:
        doc = await self._db[APPLICATIONS].find_one({"_id": application_id})
        return None if doc is None else Application.model_validate(doc)

    async def applications(
        self, status: ApplicationStatus | None, cursor: str | None, limit: int
    ) -> Page[ApplicationView]:
        """Oldest id first, optionally of one status."""
        query = {} if status is None else {"status": status}
        docs, next_cursor = await self._page(APPLICATIONS, query, cursor, limit)
        items = [ApplicationView.of(Application.model_validate(doc)) for doc in docs]
        return Page(items=items, next_cursor=next_cursor)

    async def _page(
        self, collection: str, query: Doc, cursor: str | None, limit: int
    ) -> tuple[list[Doc], str | None]:
        return await keyset_page(
            self._db[collection], query, field="_id", limit=limit, cursor=cursor, descending=False
        )


async def _as(model: type[V], cursor: AsyncCursor[Doc]) -> AsyncIterator[V]:
    async for doc in cursor:
        yield model.model_validate(doc)
