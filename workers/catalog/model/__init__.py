"""Catalog's aggregates and their rules, one module per capability."""

from workers.catalog.model.lifecycle import Transition, plan_transition
from workers.catalog.model.positions import ListPosition, name_grams, name_pos, query_grams
from workers.catalog.model.pricing import PromotionalCost, SkuOffer, TierCost, tier_cost
from workers.catalog.model.products import (
    DRAFTS,
    REVIEWED,
    TRANSITIONS,
    Content,
    ContentChange,
    HistoryEntry,
    PendingRevision,
    Product,
    Revision,
    category_key,
    listed_key,
)
from workers.catalog.model.promotions import Promotion, PromotionWindow, check_items, check_window
from workers.catalog.model.skus import Sku, drafts_problem, missing_tiers, tier_prices_problem
from workers.catalog.model.taxonomy import Brand, Category, ProductModel, spec_values_problem

__all__ = [
    "DRAFTS",
    "REVIEWED",
    "TRANSITIONS",
    "Brand",
    "Category",
    "Content",
    "ContentChange",
    "HistoryEntry",
    "ListPosition",
    "PendingRevision",
    "Product",
    "ProductModel",
    "Promotion",
    "PromotionWindow",
    "PromotionalCost",
    "Revision",
    "Sku",
    "SkuOffer",
    "TierCost",
    "Transition",
    "category_key",
    "check_items",
    "check_window",
    "drafts_problem",
    "listed_key",
    "missing_tiers",
    "name_grams",
    "name_pos",
    "plan_transition",
    "query_grams",
    "spec_values_problem",
    "tier_cost",
    "tier_prices_problem",
]
