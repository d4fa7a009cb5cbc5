"""Checks of a product's content against the catalog's categories, brands and models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from workers.catalog.model import attribute_problem, spec_problem

Db = AsyncDatabase[dict[str, Any]]

#: The one document holding the range of each list position (listing.py starts its scan there).
BOUNDS_ID = "product_bounds"


@dataclass(frozen=True)
class ProductContent:
    category_id: str | None
    brand_id: str | None
    model_id: str | None
    attributes: dict[str, str]


async def content_problem(
    db: Db, content: ProductContent, specs: list[tuple[str, dict[str, str]]]
) -> str | None:
    """Why this content cannot be stored (naming the field), else None. Without a model,
    specs are free-form (products created before models existed)."""
    for field, collection, label, value in (
        ("category_id", "categories", "category", content.category_id),
        ("brand_id", "brands", "brand", content.brand_id),
    ):
        if value is not None and await db[collection].find_one({"_id": value}, {"_id": 1}) is None:
            return f"{field}: no {label} {value!r}"
    if content.model_id is None:
        return "attributes: a product without model_id has no attributes" if content.attributes else None
    model = await db["product_models"].find_one({"_id": content.model_id})
    if model is None:
        return f"model_id: no product model {content.model_id!r}"
    for i, (_, sku_specs) in enumerate(specs):
        if problem := spec_problem(model, sku_specs, f"skus.{i}.specs"):
            return problem
    return attribute_problem(model, content.attributes)


async def widen_bounds(db: Db, product: dict[str, Any]) -> None:
    """$min/$max are idempotent: a redelivery changes nothing."""
    await db["catalog_stats"].update_one(
        {"_id": BOUNDS_ID},
        {
            "$min": {"pos_created_min": product["pos_created"], "pos_name_min": product["pos_name"]},
            "$max": {"pos_created_max": product["pos_created"], "pos_name_max": product["pos_name"]},
        },
        upsert=True,
    )
