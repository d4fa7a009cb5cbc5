"""Content edits (a listed product's edit waits for review as a revision) and price changes."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from juhe.replies import Reply, ok, refuse
from schemas.catalog import ChangeSkuPrices, EditProduct, ReviewRevision
from schemas.envelope import utcnow
from workers.accounts.queries import AccountsQueries
from workers.catalog.content import ProductContent, content_problem, widen_bounds
from workers.catalog.model import ProductStatus, missing_tiers, sort_fields

Db = AsyncDatabase[dict[str, Any]]

#: Approved content changes only by review; a draft (pending or rejected) is simply rewritten.
REVIEWED = [ProductStatus.LISTED.value, ProductStatus.DELISTED.value]
DRAFTS = [ProductStatus.PENDING_REVIEW.value, ProductStatus.REJECTED.value]


def _entry(event: str, by: str, message_id: str, why: str | None = None, **data: Any) -> dict[str, Any]:
    return {"event": event, "by": by, "at": utcnow(), "why": why, "id": message_id, **data}


def _changes(cmd: EditProduct) -> dict[str, Any]:
    fields = ("name", "category_id", "brand_id", "attributes")
    changes = {f: getattr(cmd, f) for f in fields if getattr(cmd, f) is not None}
    if cmd.skus is not None:
        changes["sku_specs"] = {edit.sku: edit.specs for edit in cmd.skus}
    return changes


async def edit_product(cmd: EditProduct, *, db: Db) -> Reply:
    product = await db["products"].find_one({"_id": cmd.product_id, "supplier_id": cmd.supplier_id})
    if product is None:
        return refuse("not_found", "product not found")
    changes = _changes(cmd)
    if problem := await _edit_problem(db, product, changes):
        return refuse("invalid", problem)
    done = {"_id": cmd.product_id, "history.id": {"$ne": cmd.message_id}}
    if product["status"] in REVIEWED:
        revision = {"id": cmd.message_id, **changes, "by": cmd.supplier_id, "at": utcnow()}
        await db["products"].update_one(
            {**done, "status": {"$in": REVIEWED}},
            {
                "$set": {"pending_revision": revision},
                "$push": {"history": _entry("revision_submitted", cmd.supplier_id, cmd.message_id)},
            },
        )
        return ok({"id": cmd.product_id, "status": product["status"], "pending_revision": True})
    if product["status"] not in DRAFTS:
        return refuse("conflict", f"cannot edit a product that is {product['status']}")
    await _apply(
        db,
        product,
        changes,
        {**done, "status": {"$in": DRAFTS}},
        status=ProductStatus.PENDING_REVIEW.value,
        entry=_entry("edited", cmd.supplier_id, cmd.message_id, status="pending_review"),
    )
    return ok({"id": cmd.product_id, "status": ProductStatus.PENDING_REVIEW.value, "pending_revision": False})


async def _edit_problem(db: Db, product: dict[str, Any], changes: dict[str, Any]) -> str | None:
    specs = changes.get("sku_specs", {})
    for i, code in enumerate(specs):
        if code not in product["skus"]:
            return f"skus.{i}.sku: {code!r} is not a SKU of this product"
    content = ProductContent(
        changes.get("category_id", product.get("category_id")),
        changes.get("brand_id", product.get("brand_id")),
        product.get("model_id"),
        changes.get("attributes", product.get("attributes") or {}),
    )
    return await content_problem(db, content, list(specs.items()))


async def _apply(
    db: Db,
    product: dict[str, Any],
    changes: dict[str, Any],
    filter: dict[str, Any],
    *,
    status: str,
    entry: dict[str, Any],
) -> None:
    """SKU specs first (idempotent), then the product: a redelivery completes a half-done apply."""
    for code, specs in changes.get("sku_specs", {}).items():
        await db["skus"].update_one({"_id": code, "product_id": product["_id"]}, {"$set": {"specs": specs}})
    content = {k: v for k, v in changes.items() if k != "sku_specs"}
    if "name" in content:
        content |= sort_fields(content["name"], product["created_at"])
        await widen_bounds(db, content)
    await db["products"].update_one(
        filter,
        {
            "$set": {**content, "status": status},
            "$unset": {"pending_revision": ""},
            "$push": {"history": entry},
        },
    )


async def review_revision(cmd: ReviewRevision, *, db: Db) -> Reply:
    product = await db["products"].find_one({"_id": cmd.product_id})
    if product is None:
        return refuse("not_found", "product not found")
    revision = product.get("pending_revision")
    if revision is None:
        if any(h.get("id") == cmd.message_id for h in product["history"]):  # a redelivery
            return ok({"id": cmd.product_id, "status": product["status"], "pending_revision": False})
        return refuse("conflict", "no revision is waiting for review")
    pending = {"_id": cmd.product_id, "pending_revision.id": revision["id"]}
    if cmd.approve:
        changes = {k: v for k, v in revision.items() if k not in ("id", "by", "at")}
        entry = _entry("revision_approved", cmd.actor, cmd.message_id, cmd.reason, revision=revision["id"])
        await _apply(db, product, changes, pending, status=product["status"], entry=entry)
    else:
        entry = _entry("revision_rejected", cmd.actor, cmd.message_id, cmd.reason, revision=revision["id"])
        await db["products"].update_one(
            pending, {"$unset": {"pending_revision": ""}, "$push": {"history": entry}}
        )
    return ok({"id": cmd.product_id, "status": product["status"], "pending_revision": False})


async def change_sku_prices(cmd: ChangeSkuPrices, *, db: Db) -> Reply:
    """Orders price from the SKU document when placed: later orders see the new prices only."""
    if missing := missing_tiers(cmd.tier_prices, await AccountsQueries(db).required_tiers()):
        return refuse("invalid", f"tier_prices: no price for tier {missing[0]!r}")
    sku = await db["skus"].find_one_and_update(
        {"_id": cmd.sku, "supplier_id": cmd.supplier_id}, {"$set": {"tier_prices": cmd.tier_prices}}
    )
    if sku is None:
        return refuse("not_found", "sku not found")
    entry = _entry("price_changed", cmd.supplier_id, cmd.message_id, sku=cmd.sku, tier_prices=cmd.tier_prices)
    await db["products"].update_one(
        {"_id": sku["product_id"], "history.id": {"$ne": cmd.message_id}}, {"$push": {"history": entry}}
    )
    return ok({"sku": cmd.sku, "tier_prices": cmd.tier_prices})
