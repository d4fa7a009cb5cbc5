"""The only writer of accounts' collections, their indexes, the tier seed and the key purge.

Every write is one atomic single-document operation: an insert-once (a duplicate `_id` returns
what is stored), or an update with its condition in the filter.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from schemas.envelope import utcnow
from workers.accounts.model import (
    ApiKey,
    Application,
    Decision,
    Holder,
    HolderKind,
    IssueMarker,
    Merchant,
    PlatformApp,
    SecretHolder,
    SecretRotation,
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
    AccountsQueries,
)

Doc = dict[str, Any]
M = TypeVar("M", bound=BaseModel)

#: Per holder kind: its collection, and the field naming its owner (None: it is the owner).
HOLDERS: dict[HolderKind, tuple[str, str | None]] = {
    "supplier": (SUPPLIERS, None),
    "merchant": (MERCHANTS, None),
    "account": (SUPPLIER_ACCOUNTS, "supplier_id"),
    "shop": (SHOPS, "merchant_id"),
}
SECRET_HOLDERS: dict[HolderKind, type[SecretHolder]] = {
    "supplier": Supplier,
    "account": SupplierAccount,
    "shop": Shop,
}


class MongoAccountsRepository:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db
        #: The reads the rules need are the read side's own.
        self._queries = AccountsQueries(db)

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

    async def purge_expired_keys(self, now: datetime) -> int:
        """Delete keys whose grace period is over: they are refused already, this only tidies."""
        result = await self._db[API_KEYS].delete_many({"expires_at": {"$lt": now}})
        return result.deleted_count

    # Tiers

    async def known_tiers(self) -> list[str]:
        return await self._queries.known_tiers()

    async def insert_tier(self, tier: Tier) -> Tier:
        return await self._insert_once(self._db[TIERS], tier)

    # Parties

    async def insert_supplier(self, supplier: Supplier) -> Supplier:
        return await self._insert_once(self._db[SUPPLIERS], supplier)

    async def insert_merchant(self, merchant: Merchant) -> Merchant:
        return await self._insert_once(self._db[MERCHANTS], merchant)

    async def supplier(self, supplier_id: str) -> Supplier | None:
        doc = await self._queries.supplier(supplier_id)
        return None if doc is None else Supplier.model_validate(doc)

    async def merchant(self, merchant_id: str) -> Merchant | None:
        return await self._queries.merchant(merchant_id)

    async def set_merchant_tier(self, merchant_id: str, tier: str) -> bool:
        result = await self._db[MERCHANTS].update_one({"_id": merchant_id}, {"$set": {"tier": tier}})
        return result.matched_count == 1

    async def insert_shop(self, shop: Shop) -> Shop:
        return await self._insert_once(self._db[SHOPS], shop)

    async def save_platform_app(self, app: PlatformApp) -> None:
        await self._db[PLATFORM_APPS].replace_one({"_id": app.platform}, _document(app), upsert=True)

    async def insert_api_key(self, key: ApiKey) -> ApiKey:
        return await self._insert_once(self._db[API_KEYS], key)

    # Supplier accounts and routing

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

    # Applications

    async def insert_application(self, application: Application) -> bool:
        try:
            await self._db[APPLICATIONS].insert_one(_document(application))
        except DuplicateKeyError:  # its own redelivery, or another pending one of the licence
            return False
        return True

    async def application(self, application_id: str) -> Application | None:
        return await self._queries.application(application_id)

    async def decide(self, application_id: str, decision: Decision) -> Application | None:
        applications = self._db[APPLICATIONS]
        decided = await applications.find_one_and_update(
            {"_id": application_id, "status": "pending"},
            {"$set": decision.model_dump()},
            return_document=ReturnDocument.AFTER,
        )
        if decided is None:
            decided = await applications.find_one(
                {"_id": application_id, "decision_id": decision.decision_id}
            )
        return None if decided is None else Application.model_validate(decided)

    async def mark_issued(self, application_id: str, marker: IssueMarker) -> bool:
        applications = self._db[APPLICATIONS]
        marked = await applications.update_one(
            {"_id": application_id, "status": "approved", "credentials_issued": None},
            {"$set": {"credentials_issued": marker.model_dump()}},
        )
        if marked.matched_count == 1:
            return True
        mine = {"_id": application_id, "credentials_issued.key_hash": marker.key_hash}
        return await applications.find_one(mine, {"_id": 1}) is not None

    # Rotation

    async def holder_exists(self, holder: Holder) -> bool:
        collection, selector = _holder(holder)
        return await self._db[collection].find_one(selector, {"_id": 1}) is not None

    async def expire_superseded_keys(self, new: ApiKey, expires_at: datetime) -> None:
        superseded = {  # the filter form of ApiKey.supersedes
            "owner_id": new.owner_id,
            "kind": new.kind,
            "account_id": new.account_id,
            "expires_at": None,
            "created_at": {"$lt": new.created_at},
        }
        await self._db[API_KEYS].update_many(superseded, {"$set": {"expires_at": expires_at}})

    async def secret_holder(self, holder: Holder) -> SecretHolder | None:
        collection, selector = _holder(holder)
        doc = await self._db[collection].find_one(selector)
        return None if doc is None else SECRET_HOLDERS[holder.kind].model_validate(doc)

    async def swap_secret(self, holder: Holder, current: str, rotation: SecretRotation) -> bool:
        collection, selector = _holder(holder)
        swapped = await self._db[collection].update_one(
            {**selector, "webhook_secret": current}, {"$set": rotation.model_dump()}
        )
        return swapped.matched_count == 1

    async def _insert_once(self, collection: AsyncCollection[Doc], item: M) -> M:
        """Insert, or return what a previous delivery (or someone else) stored under the id."""
        doc = _document(item)
        try:
            await collection.insert_one(doc)
        except DuplicateKeyError:
            existing = await collection.find_one({"_id": doc["_id"]})
            assert existing is not None
            return type(item).model_validate(existing)
        return item


def _document(item: BaseModel) -> Doc:
    return item.model_dump(by_alias=True)


def _holder(holder: Holder) -> tuple[str, Doc]:
    collection, owner_field = HOLDERS[holder.kind]
    selector = {"_id": holder.id} if owner_field is None else {"_id": holder.id, owner_field: holder.owner_id}
    return collection, selector
