"""Categories (a tree), brands and product models (商品模型): operator-managed catalog data."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import AnyCaller, Edge, Operator
from schemas.catalog import ChangeCategory, CreateBrand, CreateCategory, CreateProductModel, SpecValue
from schemas.common import ShortText

router = APIRouter(prefix="/v1", tags=["catalog"])


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText
    parent_id: str | None = None


class CategoryChange(BaseModel):
    """`name` renames; `parent_id` (present, even null = root) moves."""

    model_config = ConfigDict(extra="forbid")
    name: ShortText | None = None
    parent_id: str | None = None


class BrandIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText


class ProductModelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText
    specs: dict[SpecValue, list[SpecValue]] = Field(default_factory=dict, max_length=16)
    attributes: list[SpecValue] = Field(default_factory=list, max_length=32)


@router.post("/categories", status_code=201)
async def create_category(body: CategoryIn, edge: Edge, _: Operator) -> dict[str, Any]:
    category_id = f"cat_{secrets.token_hex(6)}"
    return await edge.ask(
        CreateCategory(correlation_id=category_id, category_id=category_id, **body.model_dump())
    )


@router.patch("/categories/{category_id}")
async def change_category(category_id: str, body: CategoryChange, edge: Edge, _: Operator) -> dict[str, Any]:
    move = "parent_id" in body.model_fields_set
    command = ChangeCategory(
        correlation_id=category_id,
        category_id=category_id,
        name=body.name,
        move=move,
        parent_id=body.parent_id,
    )
    return await edge.ask(command)


@router.get("/categories")
async def category_tree(edge: Edge, _: AnyCaller) -> dict[str, Any]:
    """The whole tree, each node with its own product count and its subtree's (deleted excluded)."""
    nodes = {d["_id"]: d async for d in edge.db["categories"].find({})}
    counts: dict[str, int] = {}
    pipeline = [
        {"$match": {"status": {"$ne": "deleted"}}},
        {"$group": {"_id": "$category_id", "n": {"$sum": 1}}},
    ]
    async for row in await edge.db["products"].aggregate(pipeline):
        counts[row["_id"]] = row["n"]
    subtree = {cid: counts.get(cid, 0) for cid in nodes}
    for cid, node in nodes.items():
        for ancestor in node["path"]:
            if ancestor in subtree:
                subtree[ancestor] += counts.get(cid, 0)
    children: dict[str | None, list[dict[str, Any]]] = {}
    for cid, node in sorted(nodes.items(), key=lambda kv: kv[1]["name"]):
        view = {
            "id": cid,
            "name": node["name"],
            "parent_id": node["parent_id"],
            "products": counts.get(cid, 0),
            "subtree_products": subtree[cid],
            "children": [],
        }
        children.setdefault(node["parent_id"], []).append(view)
        node["view"] = view
    for node in nodes.values():
        node["view"]["children"] = children.get(node["_id"], [])
    return {"items": children.get(None, [])}


@router.post("/brands", status_code=201)
async def create_brand(body: BrandIn, edge: Edge, _: Operator) -> dict[str, Any]:
    brand_id = f"brd_{secrets.token_hex(6)}"
    return await edge.ask(CreateBrand(correlation_id=brand_id, brand_id=brand_id, name=body.name))


@router.get("/brands")
async def list_brands(edge: Edge, _: AnyCaller) -> dict[str, Any]:
    docs = await edge.db["brands"].find({}).sort("name", 1).to_list()
    return {"items": [{"id": d["_id"], "name": d["name"]} for d in docs]}


@router.post("/product-models", status_code=201)
async def create_product_model(body: ProductModelIn, edge: Edge, _: Operator) -> dict[str, Any]:
    model_id = f"mdl_{secrets.token_hex(6)}"
    return await edge.ask(CreateProductModel(correlation_id=model_id, model_id=model_id, **body.model_dump()))


@router.get("/product-models")
async def list_product_models(edge: Edge, _: AnyCaller) -> dict[str, Any]:
    docs = await edge.db["product_models"].find({}).sort("name", 1).to_list()
    return {
        "items": [
            {"id": d["_id"], "name": d["name"], "specs": d["specs"], "attributes": d["attributes"]}
            for d in docs
        ]
    }
