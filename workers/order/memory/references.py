"""In-memory twins of the other areas' reads the order handlers use (catalog and accounts)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from workers.catalog.queries import PromoPrice, SkuOffer
from workers.order.handlers.ports import AccountDoc


@dataclass
class PromoWindow:
    promotion_id: str
    starts_at: datetime
    ends_at: datetime
    tier_prices: dict[str, int]


class MemoryCatalog:
    """Twin of `CatalogQueries.offers`: SKUs and their promotion windows."""

    def __init__(self) -> None:
        self.skus: dict[str, SkuOffer] = {}
        self.windows: dict[str, list[PromoWindow]] = {}

    def sell(self, sku: str, supplier_id: str, orderable: bool = True, **tier_prices: int) -> None:
        self.skus[sku] = SkuOffer(sku, supplier_id, orderable, tier_prices)

    async def offers(self, skus: list[str], at: datetime | None = None) -> dict[str, SkuOffer]:
        found: dict[str, SkuOffer] = {}
        for code in skus:
            if (offer := self.skus.get(code)) is None:
                continue
            active = [w for w in self.windows.get(code, []) if at and w.starts_at <= at < w.ends_at]
            promo = PromoPrice(active[0].promotion_id, active[0].tier_prices) if active else None
            found[code] = replace(offer, promotion=promo)
        return found


class MemoryAccounts:
    """Twin of `AccountsQueries` as the order area reads it: tiers, routing, push targets."""

    def __init__(self) -> None:
        self.tiers: dict[str, str] = {}
        self.shops: dict[str, AccountDoc] = {}
        self.suppliers: dict[str, AccountDoc] = {}
        self.accounts: dict[str, AccountDoc] = {}
        self.rules: dict[str, list[AccountDoc]] = {}

    def add_shop(self, platform: str, shop_id: str, callback_url: str | None = None) -> None:
        self.shops[f"{platform}:{shop_id}"] = {
            "_id": f"{platform}:{shop_id}",
            "platform": platform,
            "shop_id": shop_id,
            "callback_url": callback_url,
            "webhook_secret": f"secret-{shop_id}",
        }

    def add_supplier(self, supplier_id: str, webhook_url: str | None = None) -> None:
        self.suppliers[supplier_id] = _endpoint(supplier_id, webhook_url)

    def add_account(self, account_id: str, supplier_id: str, webhook_url: str | None = None) -> None:
        self.accounts[account_id] = {**_endpoint(account_id, webhook_url), "supplier_id": supplier_id}

    async def merchant_tier(self, merchant_id: str) -> str | None:
        return self.tiers.get(merchant_id)

    async def routing_rules(self, supplier_ids: list[str]) -> dict[str, list[AccountDoc]]:
        return {s: self.rules[s] for s in supplier_ids if s in self.rules}

    async def webhook_suppliers(self, supplier_ids: list[str]) -> set[str]:
        return {s for s in supplier_ids if _is_webhook(self.suppliers.get(s))}

    async def webhook_accounts(self, account_ids: list[str]) -> set[str]:
        return {a for a in account_ids if _is_webhook(self.accounts.get(a))}

    async def shop(self, platform: str, shop_id: str) -> AccountDoc | None:
        return self.shops.get(f"{platform}:{shop_id}")

    async def supplier(self, supplier_id: str) -> AccountDoc | None:
        return self.suppliers.get(supplier_id)

    async def supplier_account(self, account_id: str) -> AccountDoc | None:
        return self.accounts.get(account_id)


def _endpoint(endpoint_id: str, webhook_url: str | None) -> AccountDoc:
    delivery = {"mode": "webhook", "url": webhook_url} if webhook_url else {"mode": "pull"}
    return {"_id": endpoint_id, "delivery": delivery, "webhook_secret": f"secret-{endpoint_id}"}


def _is_webhook(doc: AccountDoc | None) -> bool:
    return doc is not None and doc["delivery"].get("mode") == "webhook"
