"""Catalog: suppliers create products, operators review and list them, stock is synced."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import AnyCaller, Edge, Operator, OperatorOrSupplier, Supplier
from edge_api.errors import ApiError, not_found
from edge_api.pagination import Cursor, Limit, page
from schemas.catalog import ChangeProductStatus, CreateProduct, ProductAction, SkuDraft
from schemas.common import ShortText
from workers.catalog.model import missing_tiers
from workers.inventory.model import available, shortfall

router = APIRouter(prefix="/v1", tags=["catalog"])


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText
    category: ShortText
    brand: ShortText
    skus: list[SkuDraft] = Field(min_length=1, max_length=500)


class ReasonIn(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


@router.post("/supplier/products", status_code=201)
async def create_product(body: ProductIn, edge: Edge, caller: Supplier) -> dict[str, Any]:
    for i, draft in enumerate(body.skus):
        if missing := missing_tiers(draft.tier_prices, edge.settings.tiers):
            raise ApiError(422, "invalid_field", f"skus.{i}.tier_prices: no price for tier {missing[0]!r}")
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


@router.get("/products")
async def list_products(
    edge: Edge, caller: AnyCaller, limit: Limit = 50, cursor: Cursor = None
) -> dict[str, Any]:
    query: dict[str, Any] = {"status": {"$ne": "deleted"}}
    if caller.kind == "supplier":
        query["supplier_id"] = caller.id
    if caller.kind == "merchant":
        query = {"status": "listed"}
    return await page(
        edge.db["products"], query, field="_id", limit=limit, cursor=cursor, descending=False, render=_product
    )


def _product(doc: dict[str, Any]) -> dict[str, Any]:
    fields = ("supplier_id", "name", "category", "brand", "status", "skus")
    return {"id": doc["_id"], **{f: doc.get(f) for f in fields}}


@router.get("/skus/{sku}")
async def get_sku(sku: str, edge: Edge, caller: OperatorOrSupplier) -> dict[str, Any]:
    doc = await edge.db["skus"].find_one({"_id": sku})
    if doc is None or (caller.kind == "supplier" and doc["supplier_id"] != caller.id):
        raise not_found("sku")
    stock = await edge.db["stock"].find_one({"_id": sku}) or {}
    on_hand, reserved = stock.get("on_hand", 0), stock.get("reserved", 0)
    return {
        "sku": sku,
        "product_id": doc["product_id"],
        "supplier_id": doc["supplier_id"],
        "on_hand": on_hand,
        "reserved": reserved,
        "available": available(on_hand, reserved),
        "shortfall": shortfall(on_hand, reserved),
    }
