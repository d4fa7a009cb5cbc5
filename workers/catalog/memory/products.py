"""In-memory twin of `MongoProducts`: same calls, same conditions, each call atomic."""

from __future__ import annotations

from datetime import datetime, timedelta

from schemas.catalog import ProductStatus
from workers.catalog.model import (
    DRAFTS,
    REVIEWED,
    ContentChange,
    HistoryEntry,
    ListPosition,
    PendingRevision,
    Product,
    Sku,
    Transition,
)


class MemoryProducts:
    def __init__(self) -> None:
        self.products: dict[str, Product] = {}
        self.skus: dict[str, Sku] = {}
        #: The list's position bounds, as `catalog_stats/product_bounds` holds them.
        self.bounds: dict[str, int] = {}

    async def get(self, product_id: str) -> Product | None:
        return self.products.get(product_id)

    async def insert(self, product: Product) -> Product:
        return self.products.setdefault(product.id, product)

    async def transition(self, product_id: str, transition: Transition) -> Product | None:
        product = self.products.get(product_id)
        moved = None if product is None else transition.applied_to(product)
        if moved is not None:
            self.products[product_id] = moved
        return moved

    async def submit_revision(self, product_id: str, revision: PendingRevision, entry: HistoryEntry) -> None:
        product = self.products.get(product_id)
        if product is not None and product.status in REVIEWED and not _did(product, entry):
            self._update(product, {"pending_revision": revision}, entry)

    async def apply_edit(self, product_id: str, change: ContentChange, entry: HistoryEntry) -> None:
        product = self.products.get(product_id)
        if product is not None and product.status in DRAFTS and not _did(product, entry):
            fields = {**change.fields(), "status": ProductStatus.PENDING_REVIEW, "pending_revision": None}
            self._update(product, fields, entry)

    async def apply_revision(
        self, product_id: str, revision_id: str, change: ContentChange, entry: HistoryEntry
    ) -> None:
        product = self.products.get(product_id)
        if product is not None and _waiting(product, revision_id):
            self._update(product, {**change.fields(), "pending_revision": None}, entry)

    async def discard_revision(self, product_id: str, revision_id: str, entry: HistoryEntry) -> None:
        product = self.products.get(product_id)
        if product is not None and _waiting(product, revision_id):
            self._update(product, {"pending_revision": None}, entry)

    async def record(self, product_id: str, entry: HistoryEntry) -> None:
        product = self.products.get(product_id)
        if product is not None and not _did(product, entry):
            self._update(product, {}, entry)

    def _update(self, product: Product, fields: dict[str, object], entry: HistoryEntry) -> None:
        history = [*product.history, entry]
        self.products[product.id] = product.model_copy(update={**fields, "history": history})

    async def widen_bounds(self, position: ListPosition) -> None:
        for name, value in (("pos_created", position.pos_created), ("pos_name", position.pos_name)):
            self.bounds[f"{name}_min"] = min(self.bounds.get(f"{name}_min", value), value)
            self.bounds[f"{name}_max"] = max(self.bounds.get(f"{name}_max", value), value)

    async def claim_sku(self, sku: Sku) -> bool:
        return self.skus.setdefault(sku.id, sku).product_id == sku.product_id

    async def release_skus(self, product_id: str) -> None:
        self.skus = {code: sku for code, sku in self.skus.items() if sku.product_id != product_id}

    async def set_orderable(self, product_id: str, orderable: bool, category: str | None) -> None:
        self._update_skus(product_id, orderable=orderable, category=category)

    async def set_sku_category(self, product_id: str, category: str | None) -> None:
        self._update_skus(product_id, category=category)

    def _update_skus(self, product_id: str, **changed: object) -> None:
        for code, sku in self.skus.items():
            if sku.product_id == product_id:
                self.skus[code] = sku.model_copy(update=changed)

    async def set_specs(self, product_id: str, sku_specs: dict[str, dict[str, str]]) -> None:
        for code, specs in sku_specs.items():
            sku = self.skus.get(code)
            if sku is not None and sku.product_id == product_id:
                self.skus[code] = sku.model_copy(update={"specs": specs})

    async def set_prices(
        self, sku: str, supplier_id: str, tier_prices: dict[str, int], settlement_price: int | None = None
    ) -> Sku | None:
        found = self.skus.get(sku)
        if found is None or found.supplier_id != supplier_id:
            return None
        settled = found.settlement_price if settlement_price is None else settlement_price
        self.skus[sku] = found.model_copy(update={"tier_prices": tier_prices, "settlement_price": settled})
        return self.skus[sku]

    async def purge_recycle_bin(self, now: datetime, retention: timedelta) -> int:
        expired = [p.id for p in self.products.values() if p.purgeable(now, retention)]
        for product_id in expired:
            self.skus = {
                code: sku for code, sku in self.skus.items() if sku.product_id != product_id or sku.orderable
            }
            del self.products[product_id]
        return len(expired)


def _did(product: Product, entry: HistoryEntry) -> bool:
    return entry.id is not None and product.did(entry.id)


def _waiting(product: Product, revision_id: str) -> bool:
    return product.pending_revision is not None and product.pending_revision.id == revision_id
