"""Categories (a tree stored with ancestor paths), brands and product models (商品模型)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from schemas.catalog import BrandView, CategoryView, ProductModelView
from workers.catalog.model.base import Stored


class Category(Stored):
    id: str = Field(alias="_id")
    name: str
    parent_id: str | None
    #: Ancestor ids, root first: a subtree is one indexed query (`{"path": id}`).
    path: list[str]
    created_at: datetime

    @property
    def child_path(self) -> list[str]:
        return [*self.path, self.id]

    def path_below(self, moved: Category) -> list[str]:
        """This descendant's path after `moved` (an ancestor) moved: converges on redelivery."""
        return moved.child_path + self.path[self.path.index(moved.id) + 1 :]

    def is_within(self, category_id: str) -> bool:
        """Whether this category is `category_id` or lies in its subtree: no place to move it to."""
        return self.id == category_id or category_id in self.path

    def view(self) -> CategoryView:
        return CategoryView(id=self.id, name=self.name, parent_id=self.parent_id, path=self.path)


class Brand(Stored):
    id: str = Field(alias="_id")
    name: str
    created_at: datetime

    def view(self) -> BrandView:
        return BrandView(id=self.id, name=self.name)


class ProductModel(Stored):
    """Spec dimensions with their allowed values, and the attribute names a product may set."""

    id: str = Field(alias="_id")
    name: str
    specs: dict[str, list[str]]
    attributes: list[str]
    created_at: datetime

    def view(self) -> ProductModelView:
        return ProductModelView(id=self.id, name=self.name, specs=self.specs, attributes=self.attributes)

    def spec_problem(self, specs: dict[str, str], where: str) -> str | None:
        """Why `specs` does not fit the model's dimensions, naming the field, else None."""
        for dimension, value in specs.items():
            if dimension not in self.specs:
                return f"{where}.{dimension}: not a spec of model {self.name!r} ({', '.join(self.specs)})"
            if value not in self.specs[dimension]:
                return f"{where}.{dimension}: {value!r} is not one of {', '.join(self.specs[dimension])}"
        for dimension in self.specs:
            if dimension not in specs:
                return f"{where}.{dimension}: missing (model {self.name!r} requires it)"
        return None

    def attribute_problem(self, attributes: dict[str, str]) -> str | None:
        for name in attributes:
            if name not in self.attributes:
                return f"attributes.{name}: not an attribute of model {self.name!r}"
        return None


def spec_values_problem(specs: dict[str, list[str]]) -> str | None:
    """Each dimension of a new model needs distinct values."""
    for dimension, values in specs.items():
        if not values or len(set(values)) != len(values):
            return f"specs.{dimension}: needs distinct values"
    return None
