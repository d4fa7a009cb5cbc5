"""Products: create one with platform-unique SKUs, move it through review and listing."""

from __future__ import annotations

from juhe.replies import Reply, ok, refuse
from schemas.catalog import ChangeProductStatus, CreateProduct, ProductState, ProductStatus
from schemas.commands import SyncStock, SyncStockItem
from schemas.envelope import utcnow
from schemas.events import ProductStatusChanged
from workers.catalog.handlers.content import content_problem
from workers.catalog.handlers.ports import ProductStore, TaxonomyStore, Tiers
from workers.catalog.model import Content, Product, Sku, category_key, drafts_problem, plan_transition


async def create_product(
    cmd: CreateProduct, *, products: ProductStore, taxonomy: TaxonomyStore, tiers: Tiers
) -> Reply:
    problem = drafts_problem(cmd.skus, required=await tiers.required_tiers(), known=await tiers.known_tiers())
    content = Content(
        category_id=cmd.category_id, brand_id=cmd.brand_id, model_id=cmd.model_id, attributes=cmd.attributes
    )
    problem = problem or await content_problem(taxonomy, content, [dict(d.specs) for d in cmd.skus])
    if problem:
        return refuse("invalid", problem)
    taken = await _claim_skus(products, cmd)
    if taken is not None:
        return refuse("conflict", f"sku {taken!r} already exists on the platform")
    product = await products.insert(Product.new(cmd, utcnow()))  # a redelivery gets the stored one
    await products.widen_bounds(product)
    state = ProductState(id=product.id, status=ProductStatus.PENDING_REVIEW)
    return ok(state.model_dump(mode="json"), _initial_stock(cmd))


async def _claim_skus(products: ProductStore, cmd: CreateProduct) -> str | None:
    """Claim every SKU code; on a clash with another product, undo ours and name the code."""
    category = category_key(cmd.category_id, cmd.category)
    for draft in cmd.skus:
        if not await products.claim_sku(
            Sku.of(draft, product_id=cmd.product_id, supplier_id=cmd.supplier_id, category=category)
        ):
            await products.release_skus(cmd.product_id)
            return draft.sku
    return None


def _initial_stock(cmd: CreateProduct) -> SyncStock:
    return SyncStock(
        correlation_id=cmd.product_id,
        supplier_id=cmd.supplier_id,
        sync_id=f"initial:{cmd.product_id}",
        items=[SyncStockItem(sku=d.sku, on_hand=d.stock) for d in cmd.skus],
        occurred_at=cmd.occurred_at,
    )


async def change_product_status(cmd: ChangeProductStatus, *, products: ProductStore) -> Reply:
    product = await products.get(cmd.product_id)
    if product is None:
        return refuse("not_found", "product not found")
    if product.last_command != cmd.message_id:  # else: a redelivery of the move already made
        transition = plan_transition(
            product, cmd.action, command_id=cmd.message_id, by=cmd.actor, why=cmd.reason, at=utcnow()
        )
        moved = await products.transition(cmd.product_id, transition)
        if moved is None:
            return refuse("conflict", transition.refusal(cmd.action))
        product = moved
    await products.set_orderable(cmd.product_id, product.status is ProductStatus.LISTED, product.category_key)
    state = ProductState(id=product.id, status=product.status)
    return ok(state.model_dump(mode="json"), _status_changed(cmd, product))


def _status_changed(cmd: ChangeProductStatus, product: Product) -> ProductStatusChanged:
    """This command moved the product (now or on an earlier delivery): tell the selections."""
    return ProductStatusChanged(
        correlation_id=cmd.product_id,
        product_id=cmd.product_id,
        supplier_id=product.supplier_id,
        status=product.status,
        skus=product.skus,
        occurred_at=cmd.occurred_at,
    )
