"""In-memory twins of the other areas' reads the order handlers use (catalog and accounts)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from schemas.supplier_accounts import RoutingRule
from workers.catalog.queries import PromotionWindow, SkuOffer


class MemoryCatalog:
    """Twin of `CatalogQueries.offers`: SKUs and their promotion windows."""

    def __init__(self) -> None:
        self.skus: dict[str, SkuOffer] = {}
        self.windows: dict[str, list[PromotionWindow]] = {}

    def sell(self, sku: str, supplier_id: str, orderable: bool = True, **tier_prices: int) -> None:
        self.skus[sku] = SkuOffer(sku, supplier_id, orderable, tier_prices)

    async def offers(self, skus: list[str], at: datetime | None = None) -> dict[str, SkuOffer]:
        return {
            code: replace(offer, windows=tuple(self.windows.get(code, [])), at=at)
            for code in skus
            if (offer := self.skus.get(code)) is not None
        }

    async def offer_terms(self, skus: list[str]) -> dict[str, SkuOffer]:
        """Twin of `CatalogQueries.offer_terms`: every window, no moment."""
        return await self.offers(skus)


@dataclass(frozen=True)
class Endpoint:
    """A supplier or supplier account as the order area reads it (accounts' `Supplier`)."""

    id: str
    webhook_secret: str
    push_url: str | None = None


@dataclass(frozen=True)
class MemoryShop:
    platform: str
    shop_id: str
    callback_url: str | None

    def for_adapters(self) -> dict[str, Any]:
        return {
            "_id": f"{self.platform}:{self.shop_id}",
            "platform": self.platform,
            "shop_id": self.shop_id,
            "callback_url": self.callback_url,
            "webhook_secret": f"secret-{self.shop_id}",
        }


class MemoryAccounts:
    """Twin of `AccountsQueries` as the order area reads it: tiers, routing, push targets."""

    def __init__(self) -> None:
        self.tiers: dict[str, str] = {}
        self.shops: dict[str, MemoryShop] = {}
        self.suppliers: dict[str, Endpoint] = {}
        self.accounts: dict[str, Endpoint] = {}
        self.rules: dict[str, list[RoutingRule]] = {}

    def add_shop(self, platform: str, shop_id: str, callback_url: str | None = None) -> None:
        self.shops[f"{platform}:{shop_id}"] = MemoryShop(platform, shop_id, callback_url)

    def add_supplier(self, supplier_id: str, webhook_url: str | None = None) -> None:
        self.suppliers[supplier_id] = Endpoint(supplier_id, f"secret-{supplier_id}", webhook_url)

    def add_account(self, account_id: str, supplier_id: str, webhook_url: str | None = None) -> None:
        self.accounts[account_id] = Endpoint(account_id, f"secret-{account_id}", webhook_url)

    def route(self, supplier_id: str, *rules: dict[str, Any]) -> None:
        self.rules[supplier_id] = [RoutingRule.model_validate(rule) for rule in rules]

    async def merchant_tier(self, merchant_id: str) -> str | None:
        return self.tiers.get(merchant_id)

    async def routing_rules(self, supplier_ids: list[str]) -> dict[str, list[RoutingRule]]:
        return {s: self.rules[s] for s in supplier_ids if s in self.rules}

    async def webhook_suppliers(self, supplier_ids: list[str]) -> set[str]:
        return {s for s in supplier_ids if s in self.suppliers and self.suppliers[s].push_url}

    async def webhook_accounts(self, account_ids: list[str]) -> set[str]:
        return {a for a in account_ids if a in self.accounts and self.accounts[a].push_url}

    async def shop(self, platform: str, shop_id: str) -> MemoryShop | None:
        return self.shops.get(f"{platform}:{shop_id}")

    async def supplier(self, supplier_id: str) -> Endpoint | None:
        return self.suppliers.get(supplier_id)

    async def supplier_account(self, account_id: str) -> Endpoint | None:
        return self.accounts.get(account_id)
