"""Catalog: suppliers create products, operators review and list them, stock is synced."""

from __future__ import annotations

import secrets

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Operator, OperatorOrSupplier, Supplier
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from schemas.catalog import (
    MAX_SKUS,
    Attributes,
    ChangeProductStatus,
    ChangeSkuPrices,
    CreateProduct,
    EditOutcome,
    EditProduct,
    ProductAction,
    ProductState,
    Ref,
    ReviewRevision,
    SkuDraft,
    SkuPrices,
    SkuSpecsEdit,
    TierPrices,
)
from schemas.common import Fen, ShortText
from workers.catalog.queries import CatalogQueries
from workers.inventory.queries import InventoryQueries, StockLevel

router = APIRouter(prefix="/v1", tags=["catalog"])


class ProductIn(BaseModel):
    """`category_id`/`brand_id`/`model_id` pick catalog data; the free-text `category`/`brand`
    of the first API version are still accepted (one of each pair is required)."""

    model_config = ConfigDict(extra="forbid")
    name: ShortText
    category: ShortText | None = None
    brand: ShortText | None = None
    category_id: Ref | None = None
    brand_id: Ref | None = None
    model_id: Ref | None = None
    attributes: Attributes = Field(default_factory=dict)
    skus: list[SkuDraft] = Field(min_length=1, max_length=MAX_SKUS)


class ProductEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText | None = None
    category_id: Ref | None = None
    brand_id: Ref | None = None
    attributes: Attributes | None = None
    skus: list[SkuSpecsEdit] | None = Field(default=None, max_length=MAX_SKUS)


class PricesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tier_prices: TierPrices
    #: What the supplier is paid per unit; left out, the SKU keeps the one it has.
    settlement_price: Fen | None = None


class ReasonIn(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


@router.post("/supplier/products", status_code=201, responses=errors(409, 503))
async def create_product(body: ProductIn, edge: Edge, caller: Supplier) -> ProductState:
    """201 pending review; 409 if a SKU code exists anywhere on the platform."""
    if problem := await CatalogQueries(edge.db).drafts_problem(body.skus):
        raise ApiError(422, "invalid_field", problem)
    for pair in (("category_id", "category"), ("brand_id", "brand")):
        if all(getattr(body, f) is None for f in pair):
            raise ApiError(422, "invalid_field", f"{pair[0]}: required")
    product_id = f"prd_{secrets.token_hex(8)}"
    assert caller.id is not None
    command = CreateProduct(
        correlation_id=product_id, product_id=product_id, supplier_id=caller.id, **body.model_dump()
    )
    return ProductState.model_validate(await edge.ask(command))


async def _change(edge: Edge, product_id: str, action: ProductAction, reason: str | None) -> ProductState:
    command = ChangeProductStatus(
        correlation_id=product_id, product_id=product_id, action=action, reason=reason
    )
    return ProductState.model_validate(await edge.ask(command))


@router.patch("/supplier/products/{product_id}", responses=errors(404, 409, 503))
async def edit_product(product_id: str, body: ProductEdit, edge: Edge, caller: Supplier) -> EditOutcome:
    """A listed or delisted product keeps its content until the edit is approved."""
    assert caller.id is not None
    command = EditProduct(
        correlation_id=product_id, product_id=product_id, supplier_id=caller.id, **body.model_dump()
    )
    return EditOutcome.model_validate(await edge.ask(command))


@router.post("/products/{product_id}/revision/{decision}", responses=errors(404, 409, 503))
async def review_revision(
    product_id: str, decision: str, edge: Edge, _: Operator, body: ReasonIn | None = None
) -> EditOutcome:
    """`decision` is `approve` or `reject` (with a reason); 409 if no revision is waiting."""
    if decision not in ("approve", "reject"):
        raise not_found("decision")
    reason = body.reason if body else None
    if decision == "reject" and not reason:
        raise ApiError(422, "invalid_field", "reason: a rejection needs a reason")
    command = ReviewRevision(
        correlation_id=product_id, product_id=product_id, approve=decision == "approve", reason=reason
    )
    return EditOutcome.model_validate(await edge.ask(command))


@router.put("/supplier/skus/{sku}/prices", responses=errors(404, 503))
async def change_prices(sku: str, body: PricesIn, edge: Edge, caller: Supplier) -> SkuPrices:
    """Every required tier priced, only known tiers; orders received more than
    `JUHE_REFERENCE_CACHE_SECONDS` after the answer pay them (docs/reference-cache.md)."""
    if problem := await CatalogQueries(edge.db).prices_problem(body.tier_prices):
        raise ApiError(422, "invalid_field", problem)
    assert caller.id is not None
    command = ChangeSkuPrices(
        correlation_id=sku,
        sku=sku,
        supplier_id=caller.id,
        tier_prices=body.tier_prices,
        settlement_price=body.settlement_price,
    )
    return SkuPrices.model_validate(await edge.ask(command))


@router.post("/products/{product_id}/{action}", responses=errors(404, 409, 503))
async def change_status(
    product_id: str, action: str, edge: Edge, _: Operator, body: ReasonIn | None = None
) -> ProductState:
    """approve, reject (with a reason), delist, relist, restore; 409 from the wrong status."""
    if action not in ("approve", "reject", "delist", "relist", "restore"):
        raise not_found("action")
    if action == "reject" and not (body and body.reason):
        raise ApiError(422, "invalid_field", "reason: a rejection needs a reason")
    return await _change(edge, product_id, action, body.reason if body else None)  # type: ignore[arg-type]


@router.delete("/products/{product_id}", responses=errors(404, 409, 503))
async def delete_product(product_id: str, edge: Edge, _: Operator) -> ProductState:
    """Into the recycle bin; purged after the retention, until then `restore` brings it back."""
    return await _change(edge, product_id, "delete", None)


class SkuStock(StockLevel):
    product_id: str
    supplier_id: str


@router.get("/skus/{sku}", responses=errors(404))
async def get_sku(sku: str, edge: Edge, caller: OperatorOrSupplier) -> SkuStock:
    owner = await CatalogQueries(edge.db).sku_owner(sku)
    if owner is None or (caller.kind == "supplier" and owner.supplier_id != caller.id):
        raise not_found("sku")
    level = (await InventoryQueries(edge.db).stock_levels([sku]))[sku]
    return SkuStock(**level.model_dump(), product_id=owner.product_id, supplier_id=owner.supplier_id)
