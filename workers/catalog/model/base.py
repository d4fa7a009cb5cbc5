"""What every stored catalog document has in common, and the collection each kind lives in."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

#: Written by `repository` only, read by `queries` only.
PRODUCTS, SKUS, STATS = "products", "skus", "catalog_stats"
CATEGORIES, BRANDS, PRODUCT_MODELS = "categories", "brands", "product_models"
PROMOTIONS, PROMOTION_SKUS = "promotions", "promotion_skus"
#: The one `catalog_stats` document holding the range of each list position.
BOUNDS_ID = "product_bounds"


class Stored(BaseModel):
    """A stored document: `_id` is the field `id`; a field the store lacks takes its default."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")
