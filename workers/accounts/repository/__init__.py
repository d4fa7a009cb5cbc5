"""The only writer of accounts' collections, their indexes, the tier seed and the key purge.

Every write is one atomic single-document operation: an insert-once (a duplicate `_id` returns
what is stored), or an update with its condition in the filter.
"""

from __future__ import annotations

from contextlib import suppress

from pymongo.errors import DuplicateKeyError

from schemas.envelope import utcnow
from workers.accounts.model import (
    Merchant,
    PlatformApp,
    Shop,
    Supplier,
    SupplierAccount,
    SupplierRouting,
    Tier,
)
from workers.accounts.queries import (
    API_KEYS,
    APPLICATIONS,
    MERCHANTS,
    PLATFORM_APPS,
    SHOPS,
    SUPPLIER_ACCOUNTS,
    SUPPLIER_ROUTING,
    SUPPLIERS,
    TIERS,
)
from workers.accounts.repository.applications import ApplicationWrites
from workers.accounts.repository.base import document
from workers.accounts.repository.credentials import CredentialWrites

__all__ = ["MongoAccountsRepository"]


class MongoAccountsRepository(ApplicationWrites, CredentialWrites):
    async def ensure_indexes(self) -> None:
        await self._db[API_KEYS].create_index([("owner_id", 1), ("kind", 1)])
        await self._db[API_KEYS].create_index("expires_at", sparse=True)
        await self._db[SHOPS].create_index("merchant_id")
        await self._db[SUPPLIER_ACCOUNTS].create_index("supplier_id")
        # One pending application per kind and licence: see model.PENDING_SLOT.
        slot = [("kind", 1), ("licence_no", 1), ("open_slot", 1)]
        await self._db[APPLICATIONS].create_index(slot, unique=True)
        await self._db[APPLICATIONS].create_index([("status", 1), ("_id", 1)])

    async def seed_tiers(self, names: list[str]) -> None:
        """Idempotent: an existing tier is left as it is, so restarts and many workers are safe."""
        for name in names:
            seeded = Tier(name=name, created_at=utcnow(), source="settings")
            fields = seeded.model_dump(exclude={"name"})
            with suppress(DuplicateKeyError):  # another worker seeded it at the same moment
                await self._db[TIERS].update_one({"_id": name}, {"$setOnInsert": fields}, upsert=True)

    async def known_tiers(self) -> list[str]:
        return await self._queries.known_tiers()

    async def insert_tier(self, tier: Tier) -> Tier:
        return await self._insert_once(self._db[TIERS], tier)

    async def insert_supplier(self, supplier: Supplier) -> Supplier:
        return await self._insert_once(self._db[SUPPLIERS], supplier)

    async def insert_merchant(self, merchant: Merchant) -> Merchant:
        return await self._insert_once(self._db[MERCHANTS], merchant)

    async def supplier(self, supplier_id: str) -> Supplier | None:
        return await self._queries.supplier(supplier_id)

    async def merchant(self, merchant_id: str) -> Merchant | None:
        return await self._queries.merchant(merchant_id)

    async def set_merchant_tier(self, merchant_id: str, tier: str) -> bool:
        result = await self._db[MERCHANTS].update_one({"_id": merchant_id}, {"$set": {"tier": tier}})
        return result.matched_count == 1

    async def insert_shop(self, shop: Shop) -> Shop:
        return await self._insert_once(self._db[SHOPS], shop)

    async def save_platform_app(self, app: PlatformApp) -> None:
        await self._db[PLATFORM_APPS].replace_one({"_id": app.platform}, document(app), upsert=True)

    async def insert_supplier_account(self, account: SupplierAccount) -> SupplierAccount:
        return await self._insert_once(self._db[SUPPLIER_ACCOUNTS], account)

    async def account_ids(self, supplier_id: str) -> set[str]:
        return await self._queries.account_ids(supplier_id)

    async def existing_merchants(self, merchant_ids: list[str]) -> set[str]:
        return await self._queries.existing_merchants(merchant_ids)

    async def replace_routing(self, routing: SupplierRouting) -> None:
        """All rules in one write; a rule is stored with only its own selector."""
        doc = routing.model_dump(by_alias=True, exclude_none=True)
        await self._db[SUPPLIER_ROUTING].replace_one({"_id": routing.supplier_id}, doc, upsert=True)
