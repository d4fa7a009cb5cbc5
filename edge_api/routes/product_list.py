"""The product list (filters, sorting, keyset cursor) and one product's view."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from edge_api.deps import AnyCaller, Edge
from edge_api.errors import not_found
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from juhe.store.pages import Page
from schemas.envelope import utcnow
from workers.catalog.queries import (
    CatalogQueries,
    MerchantProductSummary,
    ProductDetail,
    ProductFilter,
    ProductSummary,
    ProductView,
    SortName,
)

router = APIRouter(prefix="/v1", tags=["catalog"])

Text = Annotated[str | None, Query(min_length=1, max_length=100)]


@router.get("/products")
async def product_list(
    edge: Edge,
    caller: AnyCaller,
    status: str | None = None,
    category_id: str | None = None,
    brand_id: str | None = None,
    supplier_id: str | None = None,
    q: Text = None,
    sort: SortName = "-created_at",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ProductSummary] | Page[MerchantProductSummary]:
    """Suppliers see their own products, merchants listed ones with their own tier's cost and
    stock; deleted products only when `status=deleted` is asked for. A cursor belongs to its sort."""
    if caller.kind == "supplier":
        supplier_id = caller.id
    if caller.kind == "merchant":
        status = "listed"
    wanted = ProductFilter(
        status=status, category_id=category_id, brand_id=brand_id, supplier_id=supplier_id, q=q
    )
    queries = CatalogQueries(edge.db)
    page = await queries.product_page(wanted, sort, limit, cursor)
    if caller.kind != "merchant" or caller.id is None:
        return page
    return await _at_merchant_prices(queries, caller.id, page)


async def _at_merchant_prices(
    queries: CatalogQueries, merchant_id: str, page: Page[ProductSummary]
) -> Page[MerchantProductSummary]:
    """API.md: merchants see their own tier's cost and available stock in the list too."""
    skus = await queries.merchant_skus(merchant_id, [item.id for item in page.items], utcnow())
    items = [
        MerchantProductSummary(
            **item.model_dump(exclude={"skus", "pending_revision"}),
            skus=[skus[code] for code in item.skus if code in skus],
        )
        for item in page.items
    ]
    return Page(items=items, next_cursor=page.next_cursor)


@router.get("/products/{product_id}", responses=errors(404))
async def product_detail(product_id: str, edge: Edge, caller: AnyCaller) -> ProductDetail | ProductView:
    """Operators and the owning supplier also get `history` and `pending_revision`; merchants
    see listed products only."""
    detail = await CatalogQueries(edge.db).product_detail(product_id)
    hidden = detail is None or (
        (caller.kind == "supplier" and detail.supplier_id != caller.id)
        or (caller.kind == "merchant" and detail.status != "listed")
    )
    if hidden or detail is None:
        raise not_found("product")
    return detail.for_merchant() if caller.kind == "merchant" else detail
