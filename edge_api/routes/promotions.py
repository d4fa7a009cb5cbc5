"""Holiday promotions (operator): time-boxed promotional tier prices for some SKUs."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Operator
from edge_api.errors import ApiError, from_reply, not_found
from edge_api.pagination import Cursor, Limit, page
from schemas.common import Instant, ShortText
from schemas.envelope import Message, utcnow
from schemas.promotions import CreatePromotion, EndPromotion, PromotionItem
from workers.catalog.promotion_rules import check_window, render

router = APIRouter(prefix="/v1/promotions", tags=["promotions"])


class PromotionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText
    starts_at: Instant
    ends_at: Instant
    items: list[PromotionItem] = Field(min_length=1, max_length=500)


async def _ask(edge: Edge, command: Message) -> dict[str, Any]:
    reply = await edge.request(command)
    if "error" not in reply:
        return reply
    if reply["error"]["code"] == "invalid":  # the worker names the field, like edge validation
        raise ApiError(422, "invalid_field", reply["error"]["message"])
    raise from_reply(reply)


@router.post("", status_code=201)
async def create_promotion(body: PromotionIn, edge: Edge, _: Operator) -> dict[str, Any]:
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
    return await _ask(edge, command)


@router.get("")
async def list_promotions(
    edge: Edge, _: Operator, active_at: datetime | None = None, limit: Limit = 50, cursor: Cursor = None
) -> dict[str, Any]:
    """Newest start first; `active_at` keeps those whose window holds that moment."""
    query: dict[str, Any] = {}
    if active_at is not None:
        if active_at.tzinfo is None:
            raise ApiError(422, "invalid_field", "active_at: needs a timezone (RFC 3339)")
        query = {"state": "open", "starts_at": {"$lte": active_at}, "ends_at": {"$gt": active_at}}
    now = utcnow()
    return await page(
        edge.db["promotions"],
        query,
        field="list_key",
        limit=limit,
        cursor=cursor,
        descending=True,
        render=lambda doc: render(doc, now),
    )


@router.get("/{promotion_id}")
async def get_promotion(promotion_id: str, edge: Edge, _: Operator) -> dict[str, Any]:
    doc = await edge.db["promotions"].find_one({"_id": promotion_id})
    if doc is None:
        raise not_found("promotion")
    return render(doc, utcnow())


@router.post("/{promotion_id}/end")
async def end_promotion(promotion_id: str, edge: Edge, _: Operator) -> dict[str, Any]:
    """Ends it now: orders received from now on pay normal prices. 409 if already over."""
    return await _ask(edge, EndPromotion(correlation_id=promotion_id, promotion_id=promotion_id))
