"""The saga's reads of other areas, through their queries (the `CatalogReader` port)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from workers.accounts.queries import AccountsQueries
from workers.catalog.queries import CatalogQueries
from workers.order.model import Offer

Doc = dict[str, Any]


class References:
    def __init__(self, accounts: AccountsQueries, catalog: CatalogQueries) -> None:
        self._accounts = accounts
        self._catalog = catalog

    async def offers(self, skus: list[str], at: datetime | None = None) -> Mapping[str, Offer]:
        return await self._catalog.offers(skus, at)

    async def merchant_tier(self, merchant_id: str) -> str | None:
        return await self._accounts.merchant_tier(merchant_id)

    async def shop(self, platform: str, shop_id: str) -> Doc | None:
        shop = await self._accounts.shop(platform, shop_id)
        return None if shop is None else shop.model_dump(by_alias=True)

    async def supplier(self, supplier_id: str) -> Doc | None:
        supplier = await self._accounts.supplier(supplier_id)
        return None if supplier is None else supplier.model_dump(by_alias=True)

    async def supplier_account(self, account_id: str) -> Doc | None:
        account = await self._accounts.supplier_account(account_id)
        return None if account is None else account.model_dump(by_alias=True)

    async def routing_rules(self, supplier_ids: list[str]) -> dict[str, list[Doc]]:
        rules = await self._accounts.routing_rules(supplier_ids)
        return {s: [r.model_dump(exclude_none=True) for r in rs] for s, rs in rules.items()}

    async def webhook_suppliers(self, supplier_ids: list[str]) -> set[str]:
        return await self._accounts.webhook_suppliers(supplier_ids)

    async def webhook_accounts(self, account_ids: list[str]) -> set[str]:
        return await self._accounts.webhook_accounts(account_ids)
