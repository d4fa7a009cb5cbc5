"""Catalog's read side: what the edge and the other areas may know of products, SKUs,
taxonomy and promotions, as typed views. The only code that reads catalog's collections."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from juhe.store.pages import Page, keyset_page
from schemas.catalog import BrandView, ProductModelView, PromotionView, SkuDraft
from workers.accounts.queries import AccountsQueries
from workers.catalog.model import (
    Brand,
    Product,
    ProductModel,
    Promotion,
    PromotionWindow,
    Sku,
    SkuOffer,
    check_window,
    drafts_problem,
    tier_prices_problem,
)
from workers.catalog.model.base import BRANDS, PRODUCT_MODELS, PRODUCTS, PROMOTION_SKUS, PROMOTIONS, SKUS
from workers.catalog.queries import merchant, products
from workers.catalog.queries.product_list import SortName
from workers.catalog.queries.products import ProductFilter
from workers.catalog.queries.views import (
    CategoryNode,
    MerchantProduct,
    MerchantProductSummary,
    MerchantSku,
    ProductDetail,
    ProductSummary,
    ProductView,
    SkuListing,
    SkuOwner,
)

__all__ = [
    "CatalogQueries",
    "CategoryNode",
    "MerchantProduct",
    "MerchantProductSummary",
    "MerchantSku",
    "ProductDetail",
    "ProductFilter",
    "ProductSummary",
    "ProductView",
    "PromotionWindow",
    "SkuListing",
    "SkuOffer",
    "SkuOwner",
    "SortName",
    "check_window",
]

Doc = dict[str, Any]
SAMPLE_SIZE = 100
#: Where `offer_terms` puts the SKU's joined `promotion_skus` document (none or one).
_WINDOWS = "_promotion_skus"
#: SKU codes per `$in`: the embedded store's `$in` grows quadratically with its size.
LOOKUP_BATCH = 100


class CatalogQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    # -- SKUs, for order pricing, tiers, inventory and selection

    async def offers(self, skus: list[str], at: datetime | None = None) -> dict[str, SkuOffer]:
        """The SKUs as sold at `at`, with the promotion window holding `at`, if any."""
        windows = {} if at is None else await merchant.active_windows(self._db, skus, at)
        return {
            sku.id: SkuOffer.of(sku, windows.get(sku.id, []), at)
            async for sku in self._skus({"_id": {"$in": skus}})
        }

    async def offer_terms(self, skus: list[str]) -> dict[str, SkuOffer]:
        """The SKUs with every promotion window they have and no moment (`at` None): what the
        order worker's cache keeps, so each order picks the window holding its own time. One
        command: the windows are joined by `_id` in the store."""
        joined: list[Doc] = [
            {"$match": {"_id": {"$in": skus}}},
            {"$lookup": {"from": PROMOTION_SKUS, "localField": "_id", "foreignField": "_id", "as": _WINDOWS}},
        ]
        offers = {}
        async for doc in await self._db[SKUS].aggregate(joined):
            windows = [
                PromotionWindow.model_validate(w) for p in doc.pop(_WINDOWS) for w in p.get("windows", [])
            ]
            sku = Sku.model_validate(doc)
            offers[sku.id] = SkuOffer.of(sku, windows, None)
        return offers

    async def sku_categories(self, skus: list[str]) -> dict[str, frozenset[str]]:
        """Each SKU's product categories, by id and by name (what coupons may be limited to)."""
        owners = {sku.id: sku.product_id async for sku in self._skus({"_id": {"$in": skus}})}
        query = {"_id": {"$in": sorted(set(owners.values()))}}
        cursor = self._db[PRODUCTS].find(query, {"category": 1, "category_id": 1})
        named = {
            d["_id"]: frozenset(v for v in (d.get("category"), d.get("category_id")) if v)
            async for d in cursor
        }
        return {sku: named.get(product, frozenset()) for sku, product in owners.items()}

    async def skus_missing_price(self, tier: str) -> tuple[int, list[str]]:
        """How many SKUs lack a price for `tier`, and the first codes of them in code order."""
        missing = {f"tier_prices.{tier}": {"$exists": False}}
        count = await self._db[SKUS].count_documents(missing)
        docs = await self._db[SKUS].find(missing, {"_id": 1}).sort("_id", 1).limit(SAMPLE_SIZE).to_list()
        return count, [str(d["_id"]) for d in docs]

    async def sku_owner(self, sku: str) -> SkuOwner | None:
        doc = await self._db[SKUS].find_one({"_id": sku}, {"product_id": 1, "supplier_id": 1})
        return None if doc is None else SkuOwner.model_validate(doc)

    async def owned_skus(self, supplier_id: str, codes: list[str]) -> set[str]:
        """Which of `codes` are SKUs of this supplier."""
        owned: set[str] = set()
        for i in range(0, len(codes), LOOKUP_BATCH):
            query = {"_id": {"$in": codes[i : i + LOOKUP_BATCH]}, "supplier_id": supplier_id}
            owned |= {d["_id"] async for d in self._db[SKUS].find(query, {"_id": 1})}
        return owned

    async def categories(self, skus: list[str]) -> dict[str, str]:
        """Each known SKU's product category (its taxonomy id, else its free-text category)."""
        products: dict[str, str] = {}
        for i in range(0, len(skus), LOOKUP_BATCH):
            query = {"_id": {"$in": skus[i : i + LOOKUP_BATCH]}}
            products |= {
                d["_id"]: d["product_id"] async for d in self._db[SKUS].find(query, {"product_id": 1})
            }
        found = {
            product.id: product.category_key
            async for product in self._products(sorted(set(products.values())))
        }
        return {sku: category for sku, product_id in products.items() if (category := found.get(product_id))}

    async def sku_listing(self, sku: str) -> SkuListing | None:
        doc = await self._db[SKUS].find_one({"_id": sku})
        if doc is None:
            return None
        found = Sku.model_validate(doc)
        product = await self._product(found.product_id)
        return SkuListing(
            sku=found.id,
            product_id=found.product_id,
            specs=found.specs,
            name=None if product is None else product.name,
            status=None if product is None else product.status,
        )

    async def product_status(self, product_id: str) -> str | None:
        product = await self._product(product_id)
        return None if product is None else product.status

    # -- validation the edge answers early, by the rules the worker applies

    async def drafts_problem(self, drafts: Sequence[SkuDraft]) -> str | None:
        """Why these SKUs' tier prices cannot be stored (`skus.<i>.tier_prices...`), else None."""
        required, known = await self._tiers()
        return drafts_problem(drafts, required=required, known=known)

    async def prices_problem(self, tier_prices: dict[str, int]) -> str | None:
        required, known = await self._tiers()
        return tier_prices_problem(tier_prices, required=required, known=known, where="tier_prices")

    async def _tiers(self) -> tuple[list[str], list[str]]:
        tiers = AccountsQueries(self._db)
        return await tiers.required_tiers(), await tiers.known_tiers()

    # -- products, taxonomy and promotions, for the edge

    async def product_page(
        self, wanted: ProductFilter, sort: SortName, limit: int, cursor: str | None
    ) -> Page[ProductSummary]:
        return await products.product_page(self._db, wanted, sort, limit, cursor)

    async def product_detail(self, product_id: str) -> ProductDetail | None:
        return await products.product_detail(self._db, product_id)

    async def merchant_skus(
        self, merchant_id: str, product_ids: list[str], at: datetime
    ) -> dict[str, MerchantSku]:
        """The products' SKUs at the merchant's own tier price at `at`, with available stock."""
        return await merchant.merchant_skus(
            self._db, product_ids, await merchant.tier_of(self._db, merchant_id), at
        )

    async def browse(
        self, merchant_id: str, *, listed_since_days: int | None, limit: int, cursor: str | None, at: datetime
    ) -> Page[MerchantProduct]:
        return await merchant.browse(
            self._db, merchant_id, listed_since_days=listed_since_days, limit=limit, cursor=cursor, at=at
        )

    async def category_tree(self) -> list[CategoryNode]:
        return await products.category_tree(self._db)

    async def brands(self) -> list[BrandView]:
        docs = await self._db[BRANDS].find({}).sort("name", 1).to_list()
        return [Brand.model_validate(doc).view() for doc in docs]

    async def product_models(self) -> list[ProductModelView]:
        docs = await self._db[PRODUCT_MODELS].find({}).sort("name", 1).to_list()
        return [ProductModel.model_validate(doc).view() for doc in docs]

    async def promotion_page(
        self, active_at: datetime | None, limit: int, cursor: str | None, now: datetime
    ) -> Page[PromotionView]:
        """Newest start first; `active_at` keeps those whose window holds that moment."""
        query: Doc = {}
        if active_at is not None:
            query = {"state": "open", "starts_at": {"$lte": active_at}, "ends_at": {"$gt": active_at}}
        docs, next_cursor = await keyset_page(
            self._db[PROMOTIONS], query, field="list_key", limit=limit, cursor=cursor, descending=True
        )
        return Page(items=[Promotion.model_validate(d).view(now) for d in docs], next_cursor=next_cursor)

    async def promotion(self, promotion_id: str, now: datetime) -> PromotionView | None:
        doc = await self._db[PROMOTIONS].find_one({"_id": promotion_id})
        return None if doc is None else Promotion.model_validate(doc).view(now)

    async def _skus(self, query: Doc) -> AsyncIterator[Sku]:
        async for doc in self._db[SKUS].find(query):
            yield Sku.model_validate(doc)

    async def _products(self, product_ids: list[str]) -> AsyncIterator[Product]:
        async for doc in self._db[PRODUCTS].find({"_id": {"$in": product_ids}}):
            yield Product.model_validate(doc)

    async def _product(self, product_id: str) -> Product | None:
        doc = await self._db[PRODUCTS].find_one({"_id": product_id})
        return None if doc is None else Product.model_validate(doc)
