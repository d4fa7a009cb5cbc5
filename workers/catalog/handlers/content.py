"""A product's content checked against the catalog's categories, brands and product models."""

from __future__ import annotations

from workers.catalog.handlers.ports import TaxonomyStore
from workers.catalog.model import Content


async def content_problem(
    taxonomy: TaxonomyStore, content: Content, sku_specs: list[dict[str, str]]
) -> str | None:
    """Why this content cannot be stored (naming the field), else None. `sku_specs` are the
    specs of `skus.0`, `skus.1`, ...; without a model they are free-form (products created
    before models existed)."""
    if content.category_id is not None and await taxonomy.category(content.category_id) is None:
        return f"category_id: no category {content.category_id!r}"
    if content.brand_id is not None and await taxonomy.brand(content.brand_id) is None:
        return f"brand_id: no brand {content.brand_id!r}"
    if content.model_id is None:
        return "attributes: a product without model_id has no attributes" if content.attributes else None
    model = await taxonomy.product_model(content.model_id)
    if model is None:
        return f"model_id: no product model {content.model_id!r}"
    for i, specs in enumerate(sku_specs):
        if problem := model.spec_problem(specs, f"skus.{i}.specs"):
            return problem
    return model.attribute_problem(content.attributes)
