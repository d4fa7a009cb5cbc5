"""Selection rules (选品上架): a merchant lists a SKU of a listed product on one of its shops.

A selection is `listed` or `delisted`; every change of what the shop should show starts a new
`revision` and publishes a `PushListing` of it. Follow-ups are derived from the stored
document, so a redelivered request re-publishes the same push (the push skips a revision the
shop already acknowledged).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from juhe.replies import Reply, ok, refuse
from schemas.envelope import utcnow
from schemas.selection import ChangeSelectionPrice, PushListing, RemoveSelection, SelectSku

Doc = dict[str, Any]
LISTED, DELISTED = "listed", "delisted"
REMOVED_BY_MERCHANT = "removed_by_merchant"
#: product status -> why its selections were delisted; a relist brings back only these.
PRODUCT_REASONS = {"delisted": "product_delisted", "deleted": "product_deleted"}


class SelectionRepository(Protocol):
    async def shop(self, platform: str, shop_id: str) -> Doc | None: ...
    async def sku(self, sku: str) -> Doc | None: ...
    async def product(self, product_id: str) -> Doc | None: ...
    async def available(self, sku: str) -> int: ...
    async def get(self, selection_id: str) -> Doc | None: ...
    async def insert_or_get(self, doc: Doc) -> Doc: ...
    async def change(self, selection_id: str, expect: Doc, fields: Doc, *, bump: bool) -> Doc | None: ...
    async def by_product(self, product_id: str) -> list[Doc]: ...
    async def listed_for_skus(self, skus: list[str]) -> list[Doc]: ...
    async def lease_push(self, selection_id: str, revision: int, now: datetime, until: datetime) -> bool: ...
    async def renew_push_lease(self, selection_id: str, until: datetime) -> None: ...
    async def open_stock_window(self, selection_id: str, token: str) -> bool: ...
    async def close_stock_window(self, selection_id: str, token: str) -> Doc | None: ...
    async def log(self, selection_id: str, entry: Doc, *, delivered_revision: int | None = None) -> None: ...


async def select_sku(cmd: SelectSku, *, repo: SelectionRepository) -> Reply:
    shop = await repo.shop(cmd.platform, cmd.shop_id)
    if shop is None or shop["merchant_id"] != cmd.merchant_id:
        return refuse("not_found", "shop not found")
    sku = await repo.sku(cmd.sku)
    if sku is None:
        return refuse("not_found", "sku not found")
    product = await repo.product(sku["product_id"])
    if product is None or product["status"] != LISTED:
        return refuse("conflict", f"sku {cmd.sku!r} is not on a listed product")
    doc = await repo.insert_or_get(_new_selection(cmd, sku["product_id"]))
    if doc["status"] == DELISTED:  # selected before and taken off: select it again
        fields = {"status": LISTED, "retail_price": cmd.retail_price, "delisted_reason": None}
        expect = {"status": DELISTED, "revision": doc["revision"]}
        doc = await _change_or_reread(repo, doc["_id"], expect, fields)
    elif doc["retail_price"] != cmd.retail_price:
        return refuse("conflict", "this SKU is already selected for the shop at another price; PATCH it")
    doc = await follow_product(repo, doc, await _product_status(repo, doc["product_id"]))
    return ok(view(doc), push_of(doc))


async def change_price(cmd: ChangeSelectionPrice, *, repo: SelectionRepository) -> Reply:
    expect = {"merchant_id": cmd.merchant_id, "status": LISTED, "retail_price": {"$ne": cmd.retail_price}}
    doc = await repo.change(cmd.selection_id, expect, _stamped({"retail_price": cmd.retail_price}), bump=True)
    doc = doc or await repo.get(cmd.selection_id)
    if doc is None or doc["merchant_id"] != cmd.merchant_id:
        return refuse("not_found", "selection not found")
    if doc["status"] != LISTED:
        return refuse("conflict", "the selection is delisted; select the SKU again to list it")
    return ok(view(doc), push_of(doc))


async def remove_selection(cmd: RemoveSelection, *, repo: SelectionRepository) -> Reply:
    mine = {"merchant_id": cmd.merchant_id}
    fields = {"status": DELISTED, "delisted_reason": REMOVED_BY_MERCHANT}
    doc = await repo.change(cmd.selection_id, {**mine, "status": LISTED}, _stamped(fields), bump=True)
    if doc is None:  # already off the shop (e.g. for the product): keep it off on a relist
        doc = await repo.change(cmd.selection_id, {**mine, "status": DELISTED}, fields, bump=False)
    if doc is None:
        return refuse("not_found", "selection not found")
    return ok(view(doc), push_of(doc))


async def follow_product(repo: SelectionRepository, sel: Doc, product_status: str) -> Doc:
    """Delist a selection whose product left the shelf; bring back those it took off."""
    expect = {"status": sel["status"], "revision": sel["revision"]}
    if sel["status"] == LISTED and product_status in PRODUCT_REASONS:
        delist = {"status": DELISTED, "delisted_reason": PRODUCT_REASONS[product_status]}
        return await _change_or_reread(repo, sel["_id"], expect, delist)
    if (
        sel["status"] == DELISTED
        and product_status == LISTED
        and sel.get("delisted_reason") in PRODUCT_REASONS.values()
    ):
        relist: Doc = {"status": LISTED, "delisted_reason": None}
        return await _change_or_reread(repo, sel["_id"], expect, relist)
    return sel


async def _product_status(repo: SelectionRepository, product_id: str) -> str:
    product = await repo.product(product_id)
    return "deleted" if product is None else str(product["status"])


async def _change_or_reread(repo: SelectionRepository, selection_id: str, expect: Doc, fields: Doc) -> Doc:
    doc = await repo.change(selection_id, expect, _stamped(fields), bump=True)
    doc = doc or await repo.get(selection_id)
    if doc is None:  # selections are never deleted
        raise RuntimeError(f"selection {selection_id} vanished")
    return doc


def _stamped(fields: Doc) -> Doc:
    return {**fields, "updated_at": utcnow()}


def _new_selection(cmd: SelectSku, product_id: str) -> Doc:
    now = utcnow()
    return {
        "_id": cmd.selection_id,
        "merchant_id": cmd.merchant_id,
        "platform": cmd.platform,
        "shop_id": cmd.shop_id,
        "sku": cmd.sku,
        "product_id": product_id,
        "retail_price": cmd.retail_price,
        "status": LISTED,
        "delisted_reason": None,
        "revision": 1,
        "delivered_revision": 0,
        "stock_push_pending": None,
        "deliveries": [],
        "created_at": now,
        "updated_at": now,
    }


def push_of(doc: Doc) -> PushListing:
    return PushListing(correlation_id=doc["_id"], selection_id=doc["_id"], revision=doc["revision"])


def view(doc: Doc) -> Doc:
    """The API shape of a selection (used by the reply and by the edge's reads alike)."""
    fields = ("platform", "shop_id", "sku", "product_id", "retail_price", "status", "delisted_reason")
    return {
        "id": doc["_id"],
        **{f: doc.get(f) for f in fields},
        "revision": doc["revision"],
        "synced_revision": doc.get("delivered_revision", 0),
        "created_at": doc["created_at"].isoformat(),
        "updated_at": doc["updated_at"].isoformat(),
        "pushes": [_entry(e) for e in doc.get("deliveries", [])[-5:]],
    }


def _entry(entry: Doc) -> Doc:
    return {**entry, "at": entry["at"].isoformat()}
