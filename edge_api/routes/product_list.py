"""The product list (filters, sorting, keyset cursor) and one product's view."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from edge_api.auth import Caller
from edge_api.deps import AnyCaller, Edge
from edge_api.errors import ApiError, not_found
from edge_api.merchant_view import merchant_tier, sku_views
from edge_api.pagination import Cursor, Limit
from schemas.envelope import utcnow
from workers.catalog.listing import SORTS, ListQuery, list_products
from workers.catalog.model import query_grams

router = APIRouter(prefix="/v1", tags=["catalog"])

SortParam = Literal["created_at", "-created_at", "name", "-name"]
Text = Annotated[str | None, Query(min_length=1, max_length=100)]


@router.get("/products")
async def product_list(
    edge: Edge,
    caller: AnyCaller,
    status: str | None = None,
    category_id: str | None = None,
    brand_id: str | None = None,
    supplier_id: str | None = None,
    q: Text = None,
    sort: SortParam = "-created_at",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    if caller.kind == "supplier":
        supplier_id = caller.id
    if caller.kind == "merchant":
        status = "listed"
    wanted: dict[str, Any] = {"status": status, "brand_id": brand_id, "supplier_id": supplier_id}
    wanted = {k: v for k, v in wanted.items() if v is not None}
    if category_id is not None:
        subtree = edge.db["categories"].find({"path": category_id}, {"_id": 1})
        wanted["category_id"] = [category_id, *[d["_id"] async for d in subtree]]
    text = q.lower() if q else None
    query = ListQuery(
        lead=_lead(wanted, text),
        keep=lambda d: _keep(d, wanted, text),
        sort=SORTS[sort],
        limit=limit,
        after=_decode(cursor, sort) if cursor else None,
    )
    docs, more = await list_products(edge.db["products"], edge.db["catalog_stats"], query)
    last = docs[-1] if more and docs else None
    next_cursor = _encode(sort, last[query.sort.key], last["_id"]) if last else None
    items = [render(d, caller) for d in docs]
    if caller.kind == "merchant":  # API.md: merchants see their own tier's cost and available stock
        await _with_merchant_prices(edge, caller, items, docs)
    return {"items": items, "next_cursor": next_cursor}


async def _with_merchant_prices(
    edge: Edge, caller: Caller, items: list[dict[str, Any]], docs: list[dict[str, Any]]
) -> None:
    views = await sku_views(edge, docs, await merchant_tier(edge, caller.id), utcnow())
    for item in items:
        item["skus"] = [views[code] for code in item["skus"] if code in views]


def _lead(wanted: dict[str, Any], text: str | None) -> dict[str, Any]:
    """The one equality the store's index serves; the most selective first."""
    if text:
        return {"name_grams": query_grams(text)[0]}
    for field in ("brand_id", "category_id", "supplier_id", "status"):
        if field in wanted:
            value = wanted[field]
            if isinstance(value, list):
                return {field: value[0] if len(value) == 1 else {"$in": value}}
            return {field: value}
    return {}


def _keep(doc: dict[str, Any], wanted: dict[str, Any], text: str | None) -> bool:
    for field, value in wanted.items():
        if doc.get(field) not in (value if isinstance(value, list) else [value]):
            return False
    if "status" not in wanted and doc["status"] == "deleted":
        return False
    return text is None or text in doc["name_key"]


def _encode(sort: str, key: Any, product_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([sort, key, product_id]).encode()).decode()


def _decode(cursor: str, sort: str) -> tuple[Any, str]:
    try:
        issued_for, key, product_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception as exc:
        raise ApiError(422, "invalid_field", "cursor: not a cursor this API issued") from exc
    if issued_for != sort:
        raise ApiError(422, "invalid_field", f"cursor: issued for sort={issued_for}, not {sort}")
    return key, product_id


def render(doc: dict[str, Any], caller: Caller) -> dict[str, Any]:
    fields = (
        "supplier_id",
        "name",
        "category",
        "brand",
        "category_id",
        "brand_id",
        "model_id",
        "status",
        "skus",
    )
    view = {"id": doc["_id"], **{f: doc.get(f) for f in fields}, "created_at": doc["created_at"]}
    if caller.kind != "merchant":
        view["pending_revision"] = doc.get("pending_revision") is not None
    return view


@router.get("/products/{product_id}")
async def product_detail(product_id: str, edge: Edge, caller: AnyCaller) -> dict[str, Any]:
    doc = await edge.db["products"].find_one({"_id": product_id})
    hidden = doc is None or (
        (caller.kind == "supplier" and doc["supplier_id"] != caller.id)
        or (caller.kind == "merchant" and doc["status"] != "listed")
    )
    if hidden:
        raise not_found("product")
    assert doc is not None
    view = render(doc, caller) | {"attributes": doc.get("attributes") or {}}
    view["sku_specs"] = {d["_id"]: d["specs"] async for d in edge.db["skus"].find({"product_id": product_id})}
    if caller.kind != "merchant":
        view["history"] = doc["history"]
        view["pending_revision"] = doc.get("pending_revision")
    return view
