"""Catalog rules: create a product with platform-unique SKUs, move it through review."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from juhe.replies import Reply, ok, refuse
from schemas.catalog import ChangeProductStatus, CreateProduct
from schemas.commands import SyncStock, SyncStockItem
from schemas.envelope import utcnow
from schemas.events import ProductStatusChanged
from workers.accounts.queries import AccountsQueries
from workers.catalog.content import ProductContent, content_problem, widen_bounds
from workers.catalog.listing import LEAD_FIELDS
from workers.catalog.model import TRANSITIONS, ProductStatus, missing_tiers, sort_fields

Db = AsyncDatabase[dict[str, Any]]


async def create_product(cmd: CreateProduct, *, db: Db) -> Reply:
    tiers = await AccountsQueries(db).required_tiers()
    for i, draft in enumerate(cmd.skus):
        if missing := missing_tiers(draft.tier_prices, tiers):
            return refuse("invalid", f"skus[{i}].tier_prices: no price for tier {missing[0]!r}")
    content = ProductContent(cmd.category_id, cmd.brand_id, cmd.model_id, cmd.attributes)
    specs = [(d.sku, d.specs) for d in cmd.skus]
    if problem := await content_problem(db, content, specs):
        return refuse("invalid", problem)
    taken = await _claim_skus(db, cmd)
    if taken is not None:
        return refuse("conflict", f"sku {taken!r} already exists on the platform")
    created_at = utcnow()
    product = {
        "supplier_id": cmd.supplier_id,
        "name": cmd.name,
        "category": cmd.category,
        "brand": cmd.brand,
        "category_id": cmd.category_id,
        "brand_id": cmd.brand_id,
        "model_id": cmd.model_id,
        "attributes": cmd.attributes,
        "status": ProductStatus.PENDING_REVIEW.value,
        "skus": [d.sku for d in cmd.skus],
        "created_at": created_at,
        "history": [{"status": "pending_review", "by": cmd.supplier_id, "at": created_at, "why": None}],
        **sort_fields(cmd.name, created_at),
    }
    with suppress(DuplicateKeyError):  # a redelivery of this very command
        await db["products"].insert_one({"_id": cmd.product_id, **product})
    await widen_bounds(db, product)
    initial = SyncStock(
        correlation_id=cmd.product_id,
        supplier_id=cmd.supplier_id,
        sync_id=f"initial:{cmd.product_id}",
        items=[SyncStockItem(sku=d.sku, on_hand=d.stock) for d in cmd.skus],
        occurred_at=cmd.occurred_at,
    )
    return ok({"id": cmd.product_id, "status": ProductStatus.PENDING_REVIEW.value}, initial)


async def _claim_skus(db: Db, cmd: CreateProduct) -> str | None:
    """Insert every SKU under its code; on a clash with another product, undo ours."""
    for draft in cmd.skus:
        doc = {
            "product_id": cmd.product_id,
            "supplier_id": cmd.supplier_id,
            "specs": draft.specs,
            "tier_prices": draft.tier_prices,
            "orderable": False,
        }
        try:
            await db["skus"].insert_one({"_id": draft.sku, **doc})
        except DuplicateKeyError:
            owner = await db["skus"].find_one({"_id": draft.sku}, {"product_id": 1})
            if owner is None or owner["product_id"] != cmd.product_id:
                await db["skus"].delete_many({"product_id": cmd.product_id})
                return draft.sku
    return None


async def change_product_status(cmd: ChangeProductStatus, *, db: Db) -> Reply:
    allowed_from, target = TRANSITIONS[cmd.action]
    product = await db["products"].find_one({"_id": cmd.product_id})
    if product is None:
        return refuse("not_found", "product not found")
    if product.get("last_command") != cmd.message_id:
        new_status = target or ProductStatus(product.get("deleted_from", "pending_review"))
        product = await _transition(db, cmd, allowed_from, new_status, product["status"])
        if product is None:
            return refuse("conflict", f"cannot {cmd.action} a product that is not {_names(allowed_from)}")
    orderable = product["status"] == ProductStatus.LISTED.value
    await db["skus"].update_many({"product_id": cmd.product_id}, {"$set": {"orderable": orderable}})
    return ok({"id": cmd.product_id, "status": product["status"]}, _status_changed(cmd, product))


def _status_changed(cmd: ChangeProductStatus, product: dict[str, Any]) -> ProductStatusChanged:
    """This command moved the product (now or on an earlier delivery): tell the selections."""
    return ProductStatusChanged(
        correlation_id=cmd.product_id,
        product_id=cmd.product_id,
        supplier_id=product["supplier_id"],
        status=product["status"],
        skus=product.get("skus", []),
        occurred_at=cmd.occurred_at,
    )


async def _transition(
    db: Db,
    cmd: ChangeProductStatus,
    allowed_from: frozenset[ProductStatus],
    new_status: ProductStatus,
    current: str,
) -> dict[str, Any] | None:
    entry = {"status": new_status.value, "by": cmd.actor, "at": utcnow(), "why": cmd.reason}
    update: dict[str, Any] = {
        "$set": {"status": new_status.value, "last_command": cmd.message_id},
        "$push": {"history": entry},
    }
    if new_status is ProductStatus.LISTED:  # $min keeps the first listing: new arrivals stay new once
        now = utcnow()
        update["$min"] = {"listed_at": now, "listed_key": listed_key(now, cmd.product_id)}
    if new_status is ProductStatus.DELETED:
        update["$set"]["deleted_from"] = current
        update["$set"]["deleted_at"] = utcnow()
    result: dict[str, Any] | None = await db["products"].find_one_and_update(
        {"_id": cmd.product_id, "status": {"$in": [s.value for s in allowed_from]}},
        update,
        return_document=ReturnDocument.AFTER,
    )
    return result


def _names(states: frozenset[ProductStatus]) -> str:
    return " or ".join(sorted(s.value for s in states))


def listed_key(at: datetime, product_id: str) -> str:
    """Sorts like the listing time: a fixed-width timestamp, then the id as the tie-break."""
    return f"{at.isoformat(timespec='microseconds')}|{product_id}"


async def ensure_indexes(db: Db) -> None:
    await db["skus"].create_index("product_id")
    await db["products"].create_index([("supplier_id", 1), ("status", 1)])
    await db["products"].create_index([("status", 1), ("deleted_at", 1)])
    for position in ("pos_created", "pos_name"):
        # Every list query windows one of these ranges, led by at most one equality (listing.py).
        await db["products"].create_index([(position, 1)])
        for field in LEAD_FIELDS:
            await db["products"].create_index([(field, 1), (position, 1)])
