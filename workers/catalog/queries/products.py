"""Reads of products: the filtered list, one product, and the category tree with its counts."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from juhe.store.pages import Page
from workers.catalog.model import Category, Product, Sku, query_grams
from workers.catalog.model.base import CATEGORIES, PRODUCTS, SKUS, STATS
from workers.catalog.queries.product_cursor import decode_cursor, encode_cursor
from workers.catalog.queries.product_list import SORTS, ListQuery, SortName, list_products
from workers.catalog.queries.views import CategoryNode, ProductDetail, ProductSummary

Doc = dict[str, Any]
#: The lead equality a list read uses, most selective first (after a name search).
_LEAD_ORDER = ("brand_id", "category_id", "supplier_id", "status")


class ProductFilter(BaseModel):
    status: str | None = None
    #: Covers the category's whole subtree.
    category_id: str | None = None
    brand_id: str | None = None
    supplier_id: str | None = None
    #: Text anywhere in the name, case-insensitive.
    q: str | None = None


async def product_page(
    db: Any, wanted: ProductFilter, sort: SortName, limit: int, cursor: str | None
) -> Page[ProductSummary]:
    after = None if cursor is None else decode_cursor(cursor, sort)
    accepted = await _accepted(db, wanted)
    text = wanted.q.lower() if wanted.q else None
    query = ListQuery(
        lead=_lead(accepted, text),
        keep=lambda doc: _keep(doc, accepted, text),
        sort=SORTS[sort],
        limit=limit,
        after=after,
    )
    docs, more = await list_products(db[PRODUCTS], db[STATS], query)
    last = docs[-1] if more and docs else None
    next_cursor = None if last is None else encode_cursor(sort, last[query.sort.key], last["_id"])
    return Page(
        items=[ProductSummary.of(Product.model_validate(doc)) for doc in docs], next_cursor=next_cursor
    )


async def _accepted(db: Any, wanted: ProductFilter) -> dict[str, list[str]]:
    """Each filtered field with the values it accepts."""
    fields = wanted.model_dump(include={"status", "brand_id", "supplier_id"}, exclude_none=True)
    accepted = {field: [value] for field, value in fields.items()}
    if wanted.category_id is not None:
        subtree = db[CATEGORIES].find({"path": wanted.category_id}, {"_id": 1})
        accepted["category_id"] = [wanted.category_id, *[d["_id"] async for d in subtree]]
    return accepted


def _lead(accepted: dict[str, list[str]], text: str | None) -> Doc:
    """The one equality the store's index serves."""
    if text:
        return {"name_grams": query_grams(text)[0]}
    for field in _LEAD_ORDER:
        if field in accepted:
            values = accepted[field]
            return {field: values[0] if len(values) == 1 else {"$in": values}}
    return {}


def _keep(doc: Doc, accepted: dict[str, list[str]], text: str | None) -> bool:
    if any(doc.get(field) not in values for field, values in accepted.items()):
        return False
    if "status" not in accepted and doc["status"] == "deleted":  # the recycle bin is asked for
        return False
    return text is None or text in doc["name_key"]


async def product_detail(db: Any, product_id: str) -> ProductDetail | None:
    doc = await db[PRODUCTS].find_one({"_id": product_id})
    if doc is None:
        return None
    skus = [Sku.model_validate(d) async for d in db[SKUS].find({"product_id": product_id})]
    return ProductDetail.of(Product.model_validate(doc), skus)


async def category_tree(db: Any) -> list[CategoryNode]:
    """The whole tree, each node with its own product count and its subtree's (deleted excluded)."""
    categories = [Category.model_validate(d) async for d in db[CATEGORIES].find({})]
    pipeline = [
        {"$match": {"status": {"$ne": "deleted"}}},
        {"$group": {"_id": "$category_id", "n": {"$sum": 1}}},
    ]
    counts = {row["_id"]: row["n"] async for row in await db[PRODUCTS].aggregate(pipeline)}
    return _nest(categories, counts)


def _nest(categories: list[Category], counts: dict[str, int]) -> list[CategoryNode]:
    """The roots, each with its children by name; a subtree's count adds up its descendants'."""
    subtree = {c.id: counts.get(c.id, 0) for c in categories}
    for category in categories:
        for ancestor in category.path:
            if ancestor in subtree:
                subtree[ancestor] += counts.get(category.id, 0)
    nodes = {
        c.id: CategoryNode(
            id=c.id,
            name=c.name,
            parent_id=c.parent_id,
            products=counts.get(c.id, 0),
            subtree_products=subtree[c.id],
            children=[],
        )
        for c in sorted(categories, key=lambda c: c.name)
    }
    roots: list[CategoryNode] = []
    for node in nodes.values():
        if node.parent_id is None:
            roots.append(node)
        elif node.parent_id in nodes:  # a node under a missing parent is not shown
            nodes[node.parent_id].children.append(node)
    return roots
