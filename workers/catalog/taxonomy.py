"""Categories (a tree stored with ancestor paths), brands and product models (商品模型)."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from juhe.replies import Reply, ok, refuse
from schemas.catalog import ChangeCategory, CreateBrand, CreateCategory, CreateProductModel
from schemas.envelope import utcnow

Db = AsyncDatabase[dict[str, Any]]


def category_view(doc: dict[str, Any]) -> dict[str, Any]:
    return {"id": doc["_id"], "name": doc["name"], "parent_id": doc["parent_id"], "path": doc["path"]}


async def create_category(cmd: CreateCategory, *, db: Db) -> Reply:
    path: list[str] = []
    if cmd.parent_id is not None:
        parent = await db["categories"].find_one({"_id": cmd.parent_id})
        if parent is None:
            return refuse("invalid", f"parent_id: no category {cmd.parent_id!r}")
        path = [*parent["path"], parent["_id"]]
    doc = {"_id": cmd.category_id, "name": cmd.name, "parent_id": cmd.parent_id, "path": path}
    with suppress(DuplicateKeyError):  # a redelivery
        await db["categories"].insert_one({**doc, "created_at": utcnow()})
    return ok(category_view(doc))


async def change_category(cmd: ChangeCategory, *, db: Db) -> Reply:
    current = await db["categories"].find_one({"_id": cmd.category_id})
    if current is None:
        return refuse("not_found", "category not found")
    update: dict[str, Any] = {}
    if cmd.name is not None:
        update["name"] = cmd.name
    if cmd.move:
        path = await _new_path(db, cmd.category_id, cmd.parent_id)
        if isinstance(path, str):
            return refuse("conflict" if "subtree" in path else "invalid", path)
        update |= {"parent_id": cmd.parent_id, "path": path}
    moved = await db["categories"].find_one_and_update(
        {"_id": cmd.category_id}, {"$set": update}, return_document=ReturnDocument.AFTER
    )
    assert moved is not None
    await _repath_descendants(db, moved)
    return ok(category_view(moved))


async def _new_path(db: Db, category_id: str, parent_id: str | None) -> list[str] | str:
    if parent_id is None:
        return []
    parent = await db["categories"].find_one({"_id": parent_id})
    if parent is None:
        return f"parent_id: no category {parent_id!r}"
    if parent_id == category_id or category_id in parent["path"]:
        return f"parent_id: cannot move a category under its own subtree ({parent_id!r})"
    return [*parent["path"], parent_id]


async def _repath_descendants(db: Db, moved: dict[str, Any]) -> None:
    """Each descendant's path is recomputed from the moved node's: converges on redelivery."""
    prefix = [*moved["path"], moved["_id"]]
    async for child in db["categories"].find({"path": moved["_id"]}, {"path": 1}):
        tail = child["path"][child["path"].index(moved["_id"]) + 1 :]
        await db["categories"].update_one({"_id": child["_id"]}, {"$set": {"path": prefix + tail}})


async def create_brand(cmd: CreateBrand, *, db: Db) -> Reply:
    with suppress(DuplicateKeyError):
        await db["brands"].insert_one({"_id": cmd.brand_id, "name": cmd.name, "created_at": utcnow()})
    return ok({"id": cmd.brand_id, "name": cmd.name})


async def create_product_model(cmd: CreateProductModel, *, db: Db) -> Reply:
    for dimension, values in cmd.specs.items():
        if not values or len(set(values)) != len(values):
            return refuse("invalid", f"specs.{dimension}: needs distinct values")
    doc = {"name": cmd.name, "specs": cmd.specs, "attributes": cmd.attributes}
    with suppress(DuplicateKeyError):
        await db["product_models"].insert_one({"_id": cmd.model_id, **doc, "created_at": utcnow()})
    return ok({"id": cmd.model_id, **doc})


async def ensure_indexes(db: Db) -> None:
    await db["categories"].create_index("path")
    await db["categories"].create_index("parent_id")
