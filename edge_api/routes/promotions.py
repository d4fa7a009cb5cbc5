"""Holiday promotions (operator): time-boxed promotional tier prices for some SKUs."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Operator
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from juhe.store.pages import Page
from schemas.catalog import MAX_PROMOTION_ITEMS, CreatePromotion, EndPromotion, PromotionItem, PromotionView
from schemas.common import Instant, ShortText
from schemas.envelope import utcnow
from workers.catalog.queries import CatalogQueries, check_window

router = APIRouter(prefix="/v1/promotions", tags=["promotions"])


class PromotionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText
    starts_at: Instant
    ends_at: Instant
    items: list[PromotionItem] = Field(min_length=1, max_length=MAX_PROMOTION_ITEMS)


@router.post("", status_code=201, responses=errors(409, 503))
async def create_promotion(body: PromotionIn, edge: Edge, _: Operator) -> PromotionView:
    """201 with the promotion; 409 if a SKU is in another promotion overlapping the window."""
    starts_at, ends_at = body.starts_at.astimezone(UTC), body.ends_at.astimezone(UTC)
    if problem := check_window(starts_at, ends_at):
        raise ApiError(422, "invalid_field", problem)
    promotion_id = f"promo_{secrets.token_hex(8)}"
    command = CreatePromotion(
        correlation_id=promotion_id,
        promotion_id=promotion_id,
        name=body.name,
        starts_at=starts_at,
        ends_at=ends_at,
        items=body.items,
    )
    return PromotionView.model_validate(await edge.ask(command))


@router.get("")
async def list_promotions(
    edge: Edge, _: Operator, active_at: datetime | None = None, limit: Limit = 50, cursor: Cursor = None
) -> Page[PromotionView]:
    """Newest start first; `active_at` keeps those whose window holds that moment."""
    if active_at is not None and active_at.tzinfo is None:
        raise ApiError(422, "invalid_field", "active_at: needs a timezone (RFC 3339)")
    return await CatalogQueries(edge.db).promotion_page(active_at, limit, cursor, utcnow())


@router.get("/{promotion_id}", responses=errors(404))
async def get_promotion(promotion_id: str, edge: Edge, _: Operator) -> PromotionView:
    promotion = await CatalogQueries(edge.db).promotion(promotion_id, utcnow())
    if promotion is None:
        raise not_found("promotion")
    return promotion


@router.post("/{promotion_id}/end", responses=errors(404, 409, 503))
async def end_promotion(promotion_id: str, edge: Edge, _: Operator) -> PromotionView:
    """Ends it now: orders received more than `JUHE_REFERENCE_CACHE_SECONDS` after the answer
    pay normal prices (docs/reference-cache.md). 409 if already over."""
    command = EndPromotion(correlation_id=promotion_id, promotion_id=promotion_id)
    return PromotionView.model_validate(await edge.ask(command))
