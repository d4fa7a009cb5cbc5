"""Categories, brands and product models: the only writer of `categories`, `brands`, `product_models`."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from workers.catalog.model import Brand, Category, ProductModel
from workers.catalog.model.base import BRANDS, CATEGORIES, PRODUCT_MODELS


class MongoTaxonomy:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._categories = db[CATEGORIES]
        self._brands = db[BRANDS]
        self._models = db[PRODUCT_MODELS]

    async def category(self, category_id: str) -> Category | None:
        doc = await self._categories.find_one({"_id": category_id})
        return None if doc is None else Category.model_validate(doc)

    async def brand(self, brand_id: str) -> Brand | None:
        doc = await self._brands.find_one({"_id": brand_id})
        return None if doc is None else Brand.model_validate(doc)

    async def product_model(self, model_id: str) -> ProductModel | None:
        doc = await self._models.find_one({"_id": model_id})
        return None if doc is None else ProductModel.model_validate(doc)

    async def insert_category(self, category: Category) -> None:
        with suppress(DuplicateKeyError):  # a redelivery
            await self._categories.insert_one(category.model_dump(by_alias=True))

    async def change_category(
        self, category_id: str, name: str | None, placement: tuple[str | None, list[str]] | None
    ) -> Category | None:
        changes: dict[str, Any] = {} if name is None else {"name": name}
        if placement is not None:
            changes |= {"parent_id": placement[0], "path": placement[1]}
        if not changes:
            return await self.category(category_id)
        doc = await self._categories.find_one_and_update(
            {"_id": category_id}, {"$set": changes}, return_document=ReturnDocument.AFTER
        )
        return None if doc is None else Category.model_validate(doc)

    async def descendants(self, category_id: str) -> list[Category]:
        return [Category.model_validate(doc) async for doc in self._categories.find({"path": category_id})]

    async def set_path(self, category_id: str, path: list[str]) -> None:
        await self._categories.update_one({"_id": category_id}, {"$set": {"path": path}})

    async def insert_brand(self, brand: Brand) -> None:
        with suppress(DuplicateKeyError):
            await self._brands.insert_one(brand.model_dump(by_alias=True))

    async def insert_product_model(self, model: ProductModel) -> None:
        with suppress(DuplicateKeyError):
            await self._models.insert_one(model.model_dump(by_alias=True))
