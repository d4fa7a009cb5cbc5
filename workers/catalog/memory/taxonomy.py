"""In-memory twin of `MongoTaxonomy`."""

from __future__ import annotations

from workers.catalog.model import Brand, Category, ProductModel


class MemoryTaxonomy:
    def __init__(self) -> None:
        self.categories: dict[str, Category] = {}
        self.brands: dict[str, Brand] = {}
        self.models: dict[str, ProductModel] = {}

    async def category(self, category_id: str) -> Category | None:
        return self.categories.get(category_id)

    async def brand(self, brand_id: str) -> Brand | None:
        return self.brands.get(brand_id)

    async def product_model(self, model_id: str) -> ProductModel | None:
        return self.models.get(model_id)

    async def insert_category(self, category: Category) -> None:
        self.categories.setdefault(category.id, category)

    async def change_category(
        self, category_id: str, name: str | None, placement: tuple[str | None, list[str]] | None
    ) -> Category | None:
        current = self.categories.get(category_id)
        if current is None:
            return None
        changes: dict[str, object] = {} if name is None else {"name": name}
        if placement is not None:
            changes |= {"parent_id": placement[0], "path": placement[1]}
        self.categories[category_id] = current.model_copy(update=changes)
        return self.categories[category_id]

    async def descendants(self, category_id: str) -> list[Category]:
        return [c for c in self.categories.values() if category_id in c.path]

    async def set_path(self, category_id: str, path: list[str]) -> None:
        if (current := self.categories.get(category_id)) is not None:
            self.categories[category_id] = current.model_copy(update={"path": path})

    async def insert_brand(self, brand: Brand) -> None:
        self.brands.setdefault(brand.id, brand)

    async def insert_product_model(self, model: ProductModel) -> None:
        self.models.setdefault(model.id, model)
