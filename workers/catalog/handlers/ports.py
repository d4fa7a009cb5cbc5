"""What catalog's handlers need of storage and of other areas; each call is atomic on its own.

`repository` implements the stores on MongoDB, `memory` in memory; `AccountsQueries` is `Tiers`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from workers.catalog.model import (
    Brand,
    Category,
    ContentChange,
    HistoryEntry,
    ListPosition,
    PendingRevision,
    Product,
    ProductModel,
    Promotion,
    PromotionWindow,
    Sku,
    Transition,
)


class Tiers(Protocol):
    async def required_tiers(self) -> list[str]: ...
    async def known_tiers(self) -> list[str]: ...


class ProductStore(Protocol):
    """Products, their SKUs and the list's position bounds."""

    async def get(self, product_id: str) -> Product | None: ...
    async def insert(self, product: Product) -> Product:
        """Store it; if its id exists (a redelivery), the stored one."""

    async def transition(self, product_id: str, transition: Transition) -> Product | None:
        """Apply it if the status still allows it; the product after, or None."""

    async def submit_revision(self, product_id: str, revision: PendingRevision, entry: HistoryEntry) -> None:
        """Wait for review: only while the product is reviewed (listed/delisted) and `entry` is new."""

    async def apply_edit(self, product_id: str, change: ContentChange, entry: HistoryEntry) -> None:
        """Rewrite a draft (pending/rejected, `entry` new), back to pending review."""

    async def apply_revision(
        self, product_id: str, revision_id: str, change: ContentChange, entry: HistoryEntry
    ) -> None:
        """Apply the approved revision if it is still the one waiting; the status is left alone."""

    async def discard_revision(self, product_id: str, revision_id: str, entry: HistoryEntry) -> None: ...
    async def record(self, product_id: str, entry: HistoryEntry) -> None:
        """Add `entry` to the history unless an entry with its id is there."""

    async def widen_bounds(self, position: ListPosition) -> None: ...
    async def claim_sku(self, sku: Sku) -> bool:
        """Store the SKU under its code; False if the code is another product's."""

    async def release_skus(self, product_id: str) -> None: ...
    async def set_orderable(self, product_id: str, orderable: bool, category: str | None) -> None:
        """Set the product's SKUs orderable or not, and stamp them with its category."""

    async def set_sku_category(self, product_id: str, category: str | None) -> None: ...
    async def set_specs(self, product_id: str, sku_specs: dict[str, dict[str, str]]) -> None: ...
    async def set_prices(
        self, sku: str, supplier_id: str, tier_prices: dict[str, int], settlement_price: int | None = None
    ) -> Sku | None:
        """The supplier's SKU with its new prices (the settlement price kept when None), or None
        if it has no such SKU."""


class TaxonomyStore(Protocol):
    async def category(self, category_id: str) -> Category | None: ...
    async def brand(self, brand_id: str) -> Brand | None: ...
    async def product_model(self, model_id: str) -> ProductModel | None: ...
    async def insert_category(self, category: Category) -> None: ...
    async def change_category(
        self, category_id: str, name: str | None, placement: tuple[str | None, list[str]] | None
    ) -> Category | None:
        """Rename and/or place it (parent id, path); the category after, or None if there is none."""

    async def descendants(self, category_id: str) -> list[Category]: ...
    async def set_path(self, category_id: str, path: list[str]) -> None: ...
    async def insert_brand(self, brand: Brand) -> None: ...
    async def insert_product_model(self, model: ProductModel) -> None: ...


class PromotionStore(Protocol):
    async def get(self, promotion_id: str) -> Promotion | None: ...
    async def skus(self, codes: list[str]) -> dict[str, Sku]: ...
    async def insert(self, promotion: Promotion) -> Promotion:
        """Store it; if its id exists, the stored one."""

    async def claim(self, sku: str, window: PromotionWindow) -> str | None:
        """Add the window unless another promotion's window overlaps it; else that promotion's id."""

    async def drop(self, promotion_id: str, skus: list[str]) -> None:
        """Undo a refused promotion: its windows, and the promotion while still claiming."""

    async def open(self, promotion_id: str) -> Promotion | None: ...
    async def mark_ended(self, promotion_id: str, ends_at: datetime, at: datetime) -> Promotion | None:
        """End it at `ends_at` unless it was ended before; the promotion after, or None."""

    async def close_windows(self, promotion: Promotion) -> None:
        """Shorten its SKUs' windows to its end (remove them if it never ran)."""
