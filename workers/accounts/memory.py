"""The in-memory twin of `MongoAccountsRepository`: the same answers, the same atomicity per call.

Insert-once keeps what is there; a unique index refuses a duplicate; a conditional update
applies only when its condition holds. Unit tests of the accounts rules run on it.
"""

from __future__ import annotations

from datetime import datetime

from schemas.envelope import utcnow
from workers.accounts.model import (
    ApiKey,
    Application,
    Decision,
    Holder,
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


class MemoryAccountsRepository:
    def __init__(self) -> None:
        self.tiers: dict[str, Tier] = {}
        self.merchants: dict[str, Merchant] = {}
        self.suppliers: dict[str, Supplier] = {}
        self.accounts: dict[str, SupplierAccount] = {}
        self.shops: dict[str, Shop] = {}
        self.platform_apps: dict[str, PlatformApp] = {}
        self.api_keys: dict[str, ApiKey] = {}
        self.applications: dict[str, Application] = {}
        self.routing: dict[str, SupplierRouting] = {}

    async def seed_tiers(self, names: list[str]) -> None:
        for name in names:
            self.tiers.setdefault(name, Tier(name=name, created_at=utcnow(), source="settings"))

    async def purge_expired_keys(self, now: datetime) -> int:
        expired = [
            h for h, key in self.api_keys.items() if key.expires_at is not None and key.expires_at < now
        ]
        for key_hash in expired:
            del self.api_keys[key_hash]
        return len(expired)

    async def known_tiers(self) -> list[str]:
        return [t.name for t in sorted(self.tiers.values(), key=lambda t: (t.created_at, t.name))]

    async def insert_tier(self, tier: Tier) -> Tier:
        return self.tiers.setdefault(tier.name, tier)

    async def insert_supplier(self, supplier: Supplier) -> Supplier:
        return self.suppliers.setdefault(supplier.id, supplier)

    async def insert_merchant(self, merchant: Merchant) -> Merchant:
        return self.merchants.setdefault(merchant.id, merchant)

    async def supplier(self, supplier_id: str) -> Supplier | None:
        return self.suppliers.get(supplier_id)

    async def merchant(self, merchant_id: str) -> Merchant | None:
        return self.merchants.get(merchant_id)

    async def set_merchant_tier(self, merchant_id: str, tier: str) -> bool:
        merchant = self.merchants.get(merchant_id)
        if merchant is not None:
            self.merchants[merchant_id] = merchant.model_copy(update={"tier": tier})
        return merchant is not None

    async def insert_shop(self, shop: Shop) -> Shop:
        return self.shops.setdefault(shop.key, shop)

    async def save_platform_app(self, app: PlatformApp) -> None:
        self.platform_apps[app.platform] = app

    async def insert_api_key(self, key: ApiKey) -> ApiKey:
        return self.api_keys.setdefault(key.key_hash, key)

    async def insert_supplier_account(self, account: SupplierAccount) -> SupplierAccount:
        return self.accounts.setdefault(account.id, account)

    async def account_ids(self, supplier_id: str) -> set[str]:
        return {a.id for a in self.accounts.values() if a.supplier_id == supplier_id}

    async def existing_merchants(self, merchant_ids: list[str]) -> set[str]:
        return set(merchant_ids) & set(self.merchants)

    async def replace_routing(self, routing: SupplierRouting) -> None:
        self.routing[routing.supplier_id] = routing

    async def insert_application(self, application: Application) -> bool:
        """Refused like the unique `_id` and (kind, licence_no, open_slot) indexes refuse it."""
        slot = (application.kind, application.licence_no, application.open_slot)
        taken = any((a.kind, a.licence_no, a.open_slot) == slot for a in self.applications.values())
        if application.id in self.applications or taken:
            return False
        self.applications[application.id] = application
        return True

    async def application(self, application_id: str) -> Application | None:
        return self.applications.get(application_id)

    async def decide(self, application_id: str, decision: Decision) -> Application | None:
        stored = self.applications.get(application_id)
        if stored is None:
            return None
        if (decided := stored.decided(decision)) is not None:
            self.applications[application_id] = decided
            return decided
        return stored if stored.decision_id == decision.decision_id else None

    async def mark_issued(self, application_id: str, marker: IssueMarker) -> bool:
        stored = self.applications.get(application_id)
        if stored is None:
            return False
        if (issued := stored.issued(marker)) is not None:
            self.applications[application_id] = issued
            return True
        return stored.credentials_issued is not None and stored.credentials_issued.key_hash == marker.key_hash

    async def holder_exists(self, holder: Holder) -> bool:
        if holder.kind == "merchant":
            return holder.id in self.merchants
        return await self.secret_holder(holder) is not None

    async def expire_superseded_keys(self, new: ApiKey, expires_at: datetime) -> None:
        for key_hash, key in list(self.api_keys.items()):
            if new.supersedes(key):
                self.api_keys[key_hash] = key.model_copy(update={"expires_at": expires_at})

    async def secret_holder(self, holder: Holder) -> SecretHolder | None:
        if holder.kind == "account":
            account = self.accounts.get(holder.id)
            return account if account is not None and account.supplier_id == holder.owner_id else None
        if holder.kind == "shop":
            shop = self.shops.get(holder.id)
            return shop if shop is not None and shop.merchant_id == holder.owner_id else None
        return self.suppliers.get(holder.id) if holder.kind == "supplier" else None

    async def swap_secret(self, holder: Holder, current: str, rotation: SecretRotation) -> bool:
        stored = await self.secret_holder(holder)
        if stored is None or stored.webhook_secret != current:
            return False
        rotated = stored.model_copy(update=rotation.model_dump())
        if isinstance(rotated, SupplierAccount):
            self.accounts[holder.id] = rotated
        elif isinstance(rotated, Shop):
            self.shops[holder.id] = rotated
        elif isinstance(rotated, Supplier):
            self.suppliers[holder.id] = rotated
        return True
