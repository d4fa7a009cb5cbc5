"""Categories (a tree), brands and product models (商品模型): operator-managed catalog data."""

from __future__ import annotations

import secrets

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import AnyCaller, Edge, Operator
from edge_api.openapi import errors
from schemas.catalog import (
    AttributeNames,
    BrandView,
    CategoryView,
    ChangeCategory,
    CreateBrand,
    CreateCategory,
    CreateProductModel,
    ModelSpecs,
    ProductModelView,
    Ref,
)
from schemas.common import ShortText
from workers.catalog.queries import CatalogQueries, CategoryNode

router = APIRouter(prefix="/v1", tags=["catalog"])


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText
    parent_id: Ref | None = None


class CategoryChange(BaseModel):
    """`name` renames; `parent_id` (present, even null = root) moves."""

    model_config = ConfigDict(extra="forbid")
    name: ShortText | None = None
    parent_id: Ref | None = None


class BrandIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText


class ProductModelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText
    specs: ModelSpecs = Field(default_factory=dict)
    attributes: AttributeNames = Field(default_factory=list)


class CategoryTree(BaseModel):
    items: list[CategoryNode]


class BrandList(BaseModel):
    items: list[BrandView]


class ProductModelList(BaseModel):
    items: list[ProductModelView]


@router.post("/categories", status_code=201, responses=errors(503))
async def create_category(body: CategoryIn, edge: Edge, _: Operator) -> CategoryView:
    """422 names an unknown `parent_id`."""
    category_id = f"cat_{secrets.token_hex(6)}"
    command = CreateCategory(correlation_id=category_id, category_id=category_id, **body.model_dump())
    return CategoryView.model_validate(await edge.ask(command))


@router.patch("/categories/{category_id}", responses=errors(404, 409, 503))
async def change_category(category_id: str, body: CategoryChange, edge: Edge, _: Operator) -> CategoryView:
    """Rename and/or move; 409 when moving a category under its own subtree."""
    command = ChangeCategory(
        correlation_id=category_id,
        category_id=category_id,
        name=body.name,
        move="parent_id" in body.model_fields_set,
        parent_id=body.parent_id,
    )
    return CategoryView.model_validate(await edge.ask(command))


@router.get("/categories")
async def category_tree(edge: Edge, _: AnyCaller) -> CategoryTree:
    """The whole tree, each node with its own product count and its subtree's (deleted excluded)."""
    return CategoryTree(items=await CatalogQueries(edge.db).category_tree())


@router.post("/brands", status_code=201, responses=errors(503))
async def create_brand(body: BrandIn, edge: Edge, _: Operator) -> BrandView:
    brand_id = f"brd_{secrets.token_hex(6)}"
    command = CreateBrand(correlation_id=brand_id, brand_id=brand_id, name=body.name)
    return BrandView.model_validate(await edge.ask(command))


@router.get("/brands")
async def list_brands(edge: Edge, _: AnyCaller) -> BrandList:
    return BrandList(items=await CatalogQueries(edge.db).brands())


@router.post("/product-models", status_code=201, responses=errors(503))
async def create_product_model(body: ProductModelIn, edge: Edge, _: Operator) -> ProductModelView:
    """422 names a spec dimension without distinct values."""
    model_id = f"mdl_{secrets.token_hex(6)}"
    command = CreateProductModel(correlation_id=model_id, model_id=model_id, **body.model_dump())
    return ProductModelView.model_validate(await edge.ask(command))


@router.get("/product-models")
async def list_product_models(edge: Edge, _: AnyCaller) -> ProductModelList:
    return ProductModelList(items=await CatalogQueries(edge.db).product_models())
