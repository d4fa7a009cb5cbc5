"""What selection's handlers need: their store, and reads of shops, the catalog and stock.

`repository`/`memory` implement the store; `AccountsQueries`, `CatalogQueries` and
`InventoryQueries` are the reads, satisfying these ports as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from juhe.outbound import Poster
from workers.selection.model import Change, Expect, PushLogEntry, Selection


class SelectionStore(Protocol):
    async def get(self, selection_id: str) -> Selection | None: ...
    async def insert_or_get(self, selection: Selection) -> Selection:
        """Store it unless its id exists; the stored one either way."""

    async def change(
        self, selection_id: str, expect: Expect, change: Change, *, bump: bool
    ) -> Selection | None:
        """Apply `change` only if `expect` holds (`bump`: a new revision); the selection after, or None."""

    async def by_product(self, product_id: str) -> list[Selection]: ...
    async def listed_for_skus(self, skus: list[str]) -> list[Selection]: ...
    async def lease_push(self, selection_id: str, revision: int, now: datetime, until: datetime) -> bool:
        """Take the right to push `revision`: first come for a new revision, or a lease run out."""

    async def renew_push_lease(self, selection_id: str, until: datetime) -> None: ...
    async def open_stock_window(self, selection_id: str, token: str) -> bool:
        """Only the first change in a window wins (a listed selection with no window open)."""

    async def close_stock_window(self, selection_id: str, token: str) -> Selection | None:
        """Close `token`'s window before reading stock; a redelivery of its push still finds it."""

    async def log(
        self, selection_id: str, entry: PushLogEntry, *, delivered_revision: int | None = None
    ) -> None:
        """Keep the outcome (the latest ones only); a delivered listing marks its revision."""


class Shop(Protocol):
    """A merchant's shop (accounts' `ShopWithApp`)."""

    @property
    def merchant_id(self) -> str: ...
    def for_adapters(self) -> dict[str, Any]:
        """The plain mapping the platform adapters read to shape and sign a push."""
        ...


class Shops(Protocol):
    async def shop(self, platform: str, shop_id: str) -> Shop | None: ...


class ListedSku(Protocol):
    """A catalog SKU as a shop lists it (`CatalogQueries.sku_listing`)."""

    @property
    def product_id(self) -> str: ...
    @property
    def specs(self) -> dict[str, str]: ...
    @property
    def name(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...


class Catalog(Protocol):
    async def sku_listing(self, sku: str) -> ListedSku | None: ...
    async def product_status(self, product_id: str) -> str | None: ...


class Available(Protocol):
    @property
    def available(self) -> int: ...


class Stock(Protocol):
    async def stock_levels(self, skus: list[str]) -> Mapping[str, Available]: ...


@dataclass(frozen=True)
class Reads:
    """What selection reads of other areas."""

    shops: Shops
    catalog: Catalog
    stock: Stock

    async def available(self, sku: str) -> int:
        return max(0, (await self.stock.stock_levels([sku]))[sku].available)


@dataclass(frozen=True)
class SyncDeps:
    """What a push to a shop needs: the store, the reads, and the shared retry engine's poster."""

    repo: SelectionStore
    reads: Reads
    post: Poster
    give_up_after: timedelta
