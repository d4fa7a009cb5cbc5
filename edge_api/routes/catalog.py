"""Catalog: suppliers create products, operators review and list them, stock is synced."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Operator, OperatorOrSupplier, Supplier
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from schemas.catalog import (
    ChangeProductStatus,
    ChangeSkuPrices,
    CreateProduct,
    EditProduct,
    ProductAction,
    ReviewRevision,
    SkuDraft,
    SkuSpecsEdit,
    SpecValue,
)
from schemas.common import Fen, ShortText
from workers.accounts.queries import AccountsQueries
from workers.catalog.model import missing_tiers
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
    category_id: str | None = None
    brand_id: str | None = None
    model_id: str | None = None
    attributes: dict[SpecValue, ShortText] = Field(default_factory=dict, max_length=32)
    skus: list[SkuDraft] = Field(min_length=1, max_length=500)


class ProductEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText | None = None
    category_id: str | None = None
    brand_id: str | None = None
    attributes: dict[SpecValue, ShortText] | None = None
    skus: list[SkuSpecsEdit] | None = Field(default=None, max_length=500)


class PricesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tier_prices: dict[str, Fen]


class ReasonIn(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


@router.post("/supplier/products", status_code=201)
async def create_product(body: ProductIn, edge: Edge, caller: Supplier) -> dict[str, Any]:
    tiers = await AccountsQueries(edge.db).required_tiers()
    for i, draft in enumerate(body.skus):
        if missing := missing_tiers(draft.tier_prices, tiers):
            raise ApiError(422, "invalid_field", f"skus.{i}.tier_prices: no price for tier {missing[0]!r}")
    for pair in (("category_id", "category"), ("brand_id", "brand")):
        if all(getattr(body, f) is None for f in pair):
            raise ApiError(422, "invalid_field", f"{pair[0]}: required")
    product_id = f"prd_{secrets.token_hex(8)}"
    assert caller.id is not None
    command = CreateProduct(
        correlation_id=product_id, product_id=product_id, supplier_id=caller.id, **body.model_dump()
    )
    return await edge.ask(command)


async def _change(edge: Edge, product_id: str, action: ProductAction, reason: str | None) -> dict[str, Any]:
    return await edge.ask(
        ChangeProductStatus(correlation_id=product_id, product_id=product_id, action=action, reason=reason),
    )


@router.patch("/supplier/products/{product_id}")
async def edit_product(product_id: str, body: ProductEdit, edge: Edge, caller: Supplier) -> dict[str, Any]:
    assert caller.id is not None
    return await edge.ask(
        EditProduct(
            correlation_id=product_id, product_id=product_id, supplier_id=caller.id, **body.model_dump()
        )
    )


@router.post("/products/{product_id}/revision/{decision}")
async def review_revision(
    product_id: str, decision: str, edge: Edge, _: Operator, body: ReasonIn | None = None
) -> dict[str, Any]:
    if decision not in ("approve", "reject"):
        raise not_found("decision")
    reason = body.reason if body else None
    if decision == "reject" and not reason:
        raise ApiError(422, "invalid_field", "reason: a rejection needs a reason")
    command = ReviewRevision(
        correlation_id=product_id, product_id=product_id, approve=decision == "approve", reason=reason
    )
    return await edge.ask(command)


@router.put("/supplier/skus/{sku}/prices")
async def change_prices(sku: str, body: PricesIn, edge: Edge, caller: Supplier) -> dict[str, Any]:
    if missing := missing_tiers(body.tier_prices, await AccountsQueries(edge.db).required_tiers()):
        raise ApiError(422, "invalid_field", f"tier_prices: no price for tier {missing[0]!r}")
    assert caller.id is not None
    return await edge.ask(
        ChangeSkuPrices(correlation_id=sku, sku=sku, supplier_id=caller.id, tier_prices=body.tier_prices)
    )


@router.post("/products/{product_id}/{action}")
async def change_status(
    product_id: str, action: str, edge: Edge, _: Operator, body: ReasonIn | None = None
) -> dict[str, Any]:
    if action not in ("approve", "reject", "delist", "relist", "restore"):
        raise not_found("action")
    if action == "reject" and not (body and body.reason):
        raise ApiError(422, "invalid_field", "reason: a rejection needs a reason")
    return await _change(edge, product_id, action, body.reason if body else None)  # type: ignore[arg-type]


@router.delete("/products/{product_id}")
async def delete_product(product_id: str, edge: Edge, _: Operator) -> dict[str, Any]:
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
