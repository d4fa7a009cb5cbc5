"""Categories (a tree stored with ancestor paths), brands and product models (商品模型)."""

from __future__ import annotations

from juhe.replies import Reply, ok, refuse
from schemas.catalog import ChangeCategory, CreateBrand, CreateCategory, CreateProductModel
from schemas.envelope import utcnow
from workers.catalog.handlers.ports import TaxonomyStore
from workers.catalog.model import Brand, Category, ProductModel, spec_values_problem


async def create_category(cmd: CreateCategory, *, taxonomy: TaxonomyStore) -> Reply:
    path: list[str] = []
    if cmd.parent_id is not None:
        parent = await taxonomy.category(cmd.parent_id)
        if parent is None:
            return refuse("invalid", f"parent_id: no category {cmd.parent_id!r}")
        path = parent.child_path
    category = Category(
        id=cmd.category_id, name=cmd.name, parent_id=cmd.parent_id, path=path, created_at=utcnow()
    )
    await taxonomy.insert_category(category)  # a redelivery finds it stored
    return ok(category.view().model_dump(mode="json"))


async def change_category(cmd: ChangeCategory, *, taxonomy: TaxonomyStore) -> Reply:
    if await taxonomy.category(cmd.category_id) is None:
        return refuse("not_found", "category not found")
    placement: tuple[str | None, list[str]] | None = None
    if cmd.move and cmd.parent_id is None:
        placement = (None, [])
    elif cmd.move and cmd.parent_id is not None:
        parent = await taxonomy.category(cmd.parent_id)
        if parent is None:
            return refuse("invalid", f"parent_id: no category {cmd.parent_id!r}")
        if parent.is_within(cmd.category_id):
            return refuse(
                "conflict", f"parent_id: cannot move a category under its own subtree ({parent.id!r})"
            )
        placement = (parent.id, parent.child_path)
    moved = await taxonomy.change_category(cmd.category_id, cmd.name, placement)
    if moved is None:  # categories are never deleted
        return refuse("not_found", "category not found")
    # Each descendant's path is recomputed from the moved node's: converges on redelivery.
    for child in await taxonomy.descendants(moved.id):
        await taxonomy.set_path(child.id, child.path_below(moved))
    return ok(moved.view().model_dump(mode="json"))


async def create_brand(cmd: CreateBrand, *, taxonomy: TaxonomyStore) -> Reply:
    brand = Brand(id=cmd.brand_id, name=cmd.name, created_at=utcnow())
    await taxonomy.insert_brand(brand)
    return ok(brand.view().model_dump(mode="json"))


async def create_product_model(cmd: CreateProductModel, *, taxonomy: TaxonomyStore) -> Reply:
    specs = {dimension: list(values) for dimension, values in cmd.specs.items()}
    if problem := spec_values_problem(specs):
        return refuse("invalid", problem)
    model = ProductModel(
        id=cmd.model_id, name=cmd.name, specs=specs, attributes=list(cmd.attributes), created_at=utcnow()
    )
    await taxonomy.insert_product_model(model)
    return ok(model.view().model_dump(mode="json"))
