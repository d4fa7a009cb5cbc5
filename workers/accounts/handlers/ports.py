"""What the accounts rules need from storage and from the catalog, as ports.

`MongoAccountsRepository` and its twin `MemoryAccountsRepository` satisfy every storage port;
`CatalogQueries` satisfies `PriceGaps`. Each write is one atomic call: an insert-once returns
what is stored under the id (a redelivery's own write, or someone else's), a conditional
update says whether it applied.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

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


class TierNames(Protocol):
    async def known_tiers(self) -> list[str]: ...


class KeyStore(Protocol):
    async def insert_api_key(self, key: ApiKey) -> ApiKey: ...


class PartyStore(TierNames, KeyStore, Protocol):
    async def insert_supplier(self, supplier: Supplier) -> Supplier: ...
    async def insert_merchant(self, merchant: Merchant) -> Merchant: ...
    async def supplier(self, supplier_id: str) -> Supplier | None: ...
    async def merchant(self, merchant_id: str) -> Merchant | None: ...
    async def set_merchant_tier(self, merchant_id: str, tier: str) -> bool: ...
    async def insert_shop(self, shop: Shop) -> Shop: ...
    async def save_platform_app(self, app: PlatformApp) -> None: ...


class ApplicationStore(PartyStore, Protocol):
    async def insert_application(self, application: Application) -> bool:
        """False when the id is taken, or another application of the licence is pending."""
        ...

    async def application(self, application_id: str) -> Application | None: ...

    async def decide(self, application_id: str, decision: Decision) -> Application | None:
        """Pending → decided; or the application this same decision already decided; else None."""
        ...

    async def mark_issued(self, application_id: str, marker: IssueMarker) -> bool:
        """True for the first issue of an approved application, or a repeat with the same key."""
        ...


class CredentialStore(KeyStore, Protocol):
    async def holder_exists(self, holder: Holder) -> bool: ...

    async def expire_superseded_keys(self, new: ApiKey, expires_at: datetime) -> None:
        """Set `expires_at` on every key `new` supersedes."""
        ...

    async def secret_holder(self, holder: Holder) -> SecretHolder | None: ...

    async def swap_secret(self, holder: Holder, current: str, rotation: SecretRotation) -> bool:
        """Apply `rotation` only if the holder's secret is still `current`."""
        ...


class TierStore(TierNames, Protocol):
    async def insert_tier(self, tier: Tier) -> Tier: ...


class PriceGaps(Protocol):
    """The catalog's answer to: which SKUs have no price for this tier."""

    async def skus_missing_price(self, tier: str) -> tuple[int, list[str]]: ...


class RoutingStore(TierNames, KeyStore, Protocol):
    async def supplier(self, supplier_id: str) -> Supplier | None: ...
    async def insert_supplier_account(self, account: SupplierAccount) -> SupplierAccount: ...
    async def account_ids(self, supplier_id: str) -> set[str]: ...
    async def existing_merchants(self, merchant_ids: list[str]) -> set[str]: ...
    async def replace_routing(self, routing: SupplierRouting) -> None: ...
