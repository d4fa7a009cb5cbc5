"""Content edits (a listed product's edit waits for review as a revision) and price changes."""

from __future__ import annotations

from juhe.replies import Reply, ok, refuse
from schemas.catalog import (
    ChangeSkuPrices,
    EditOutcome,
    EditProduct,
    ProductStatus,
    ReviewRevision,
    SkuPrices,
)
from schemas.envelope import utcnow
from workers.catalog.handlers.content import content_problem
from workers.catalog.handlers.ports import ProductStore, TaxonomyStore, Tiers
from workers.catalog.model import (
    DRAFTS,
    REVIEWED,
    HistoryEntry,
    PendingRevision,
    Product,
    Revision,
    category_key,
    tier_prices_problem,
)


async def edit_product(cmd: EditProduct, *, products: ProductStore, taxonomy: TaxonomyStore) -> Reply:
    product = await products.get(cmd.product_id)
    if product is None or product.supplier_id != cmd.supplier_id:
        return refuse("not_found", "product not found")
    revision = Revision.of(cmd)
    if problem := await _edit_problem(taxonomy, product, revision):
        return refuse("invalid", problem)
    at = utcnow()
    if product.status in REVIEWED:
        pending = PendingRevision(**revision.model_dump(), id=cmd.message_id, by=cmd.supplier_id, at=at)
        entry = HistoryEntry(event="revision_submitted", by=cmd.supplier_id, at=at, id=cmd.message_id)
        await products.submit_revision(product.id, pending, entry)
        return _outcome(product.id, product.status, pending_revision=True)
    if product.status not in DRAFTS:
        return refuse("conflict", f"cannot edit a product that is {product.status}")
    status = ProductStatus.PENDING_REVIEW
    entry = HistoryEntry(event="edited", by=cmd.supplier_id, at=at, id=cmd.message_id, status=status)
    await _apply(products, product, revision, entry, approving=None)
    return _outcome(product.id, status, pending_revision=False)


async def _edit_problem(taxonomy: TaxonomyStore, product: Product, revision: Revision) -> str | None:
    sku_specs = revision.sku_specs or {}
    foreign = product.foreign_sku_problem(list(sku_specs))
    return foreign or await content_problem(
        taxonomy, product.content_after(revision), list(sku_specs.values())
    )


async def _apply(
    products: ProductStore,
    product: Product,
    revision: Revision,
    entry: HistoryEntry,
    *,
    approving: str | None,
) -> None:
    """SKU specs and category first (idempotent), then the product: a redelivery completes a
    half-done apply."""
    if revision.sku_specs:
        await products.set_specs(product.id, revision.sku_specs)
    if revision.category_id is not None:
        await products.set_sku_category(product.id, category_key(revision.category_id, product.category))
    change = revision.change(product.created_at)
    if change.position is not None:
        await products.widen_bounds(change.position)
    if approving is None:
        await products.apply_edit(product.id, change, entry)
    else:
        await products.apply_revision(product.id, approving, change, entry)


async def review_revision(cmd: ReviewRevision, *, products: ProductStore) -> Reply:
    product = await products.get(cmd.product_id)
    if product is None:
        return refuse("not_found", "product not found")
    pending = product.pending_revision
    if pending is None:
        if product.did(cmd.message_id):  # a redelivery of the review that took it
            return _outcome(product.id, product.status, pending_revision=False)
        return refuse("conflict", "no revision is waiting for review")
    event = "revision_approved" if cmd.approve else "revision_rejected"
    entry = HistoryEntry(
        event=event, by=cmd.actor, at=utcnow(), why=cmd.reason, id=cmd.message_id, revision=pending.id
    )
    if cmd.approve:
        await _apply(products, product, pending, entry, approving=pending.id)
    else:
        await products.discard_revision(product.id, pending.id, entry)
    return _outcome(product.id, product.status, pending_revision=False)


def _outcome(product_id: str, status: ProductStatus, *, pending_revision: bool) -> Reply:
    return ok(
        EditOutcome(id=product_id, status=status, pending_revision=pending_revision).model_dump(mode="json")
    )


async def change_sku_prices(cmd: ChangeSkuPrices, *, products: ProductStore, tiers: Tiers) -> Reply:
    """Orders price from the SKU when placed: later orders see the new prices only."""
    problem = tier_prices_problem(
        cmd.tier_prices,
        required=await tiers.required_tiers(),
        known=await tiers.known_tiers(),
        where="tier_prices",
    )
    if problem:
        return refuse("invalid", problem)
    sku = await products.set_prices(cmd.sku, cmd.supplier_id, dict(cmd.tier_prices), cmd.settlement_price)
    if sku is None:
        return refuse("not_found", "sku not found")
    entry = HistoryEntry(
        event="price_changed",
        by=cmd.supplier_id,
        at=utcnow(),
        id=cmd.message_id,
        sku=cmd.sku,
        tier_prices=dict(cmd.tier_prices),
        settlement_price=cmd.settlement_price,
    )
    await products.record(sku.product_id, entry)
    prices = SkuPrices(sku=cmd.sku, tier_prices=cmd.tier_prices, settlement_price=sku.settlement_price)
    return ok(prices.model_dump(mode="json"))
