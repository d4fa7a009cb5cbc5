"""Coupons, the merchant's side: its coupons by status, the templates it may claim, a claim."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Merchant
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from juhe.store.pages import Page
from schemas.coupon import IssueCoupon
from workers.coupon.queries import CouponFilter, CouponQueries, CouponView, Shown, TemplateView

router = APIRouter(prefix="/v1/merchant", tags=["coupons"])


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: Makes the claim idempotent: the same id twice claims one coupon.
    claim_id: str = Field(default_factory=lambda: uuid.uuid4().hex, min_length=1, max_length=64)


@router.get("/coupons")
async def my_coupons(
    edge: Edge,
    caller: Merchant,
    status: Annotated[Shown | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[CouponView]:
    """`expired`: available coupons past their valid-to (they no longer apply)."""
    where = CouponFilter(merchant_id=caller.id, status=status)
    return await CouponQueries(edge.db).coupons(where, limit=limit, cursor=cursor)


@router.get("/coupon-templates")
async def claimable(edge: Edge, _: Merchant, limit: Limit = 50, cursor: Cursor = None) -> Page[TemplateView]:
    """Published templates."""
    return await CouponQueries(edge.db).templates(
        published_only=True, channel_id=None, limit=limit, cursor=cursor
    )


@router.post("/coupon-templates/{template_id}/claims", status_code=201, responses=errors(404, 409, 503))
async def claim(template_id: str, edge: Edge, caller: Merchant, body: ClaimIn | None = None) -> CouponView:
    """领取: one coupon of a published template. 409 naming why: `not_published`, `sold_out`,
    `limit_reached` (this merchant's limit), `budget_exhausted`."""
    assert caller.id is not None
    claim_id = (body or ClaimIn()).claim_id
    command = IssueCoupon(
        correlation_id=claim_id,
        template_id=template_id,
        merchant_id=caller.id,
        reference=f"claim:{claim_id}",
        claim=True,
    )
    return CouponView.model_validate(await edge.ask(command))
