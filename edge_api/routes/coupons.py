"""Coupons, the operator's side: channels with a budget and their report, templates, issuing
to one merchant (answered at once) or fanning out to a tier or a list (accepted, then followed
at /v1/coupon-issues/{issue_id}), and every coupon by channel, template, merchant or status."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, model_validator

from edge_api.deps import Edge, Operator
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from juhe.store.pages import Page
from schemas.common import Fen, ShortText
from schemas.coupon import (
    Count,
    CreateChannel,
    CreateTemplate,
    IssueCoupon,
    IssueCoupons,
    PublishTemplate,
    Slug,
    TemplateTerms,
)
from workers.accounts.queries import AccountsQueries
from workers.coupon.model import template_problem
from workers.coupon.queries import (
    ChannelView,
    CouponFilter,
    CouponQueries,
    CouponView,
    IssueView,
    Shown,
    TemplateView,
)

router = APIRouter(prefix="/v1", tags=["coupons"])


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChannelIn(Body):
    id: Slug
    name: ShortText
    budget: Fen


class TemplateIn(Body):
    channel_id: str = Field(min_length=1, max_length=64)
    name: ShortText
    terms: TemplateTerms
    valid_from: AwareDatetime | None = None
    valid_to: AwareDatetime | None = None
    valid_days: Annotated[StrictInt, Field(ge=1, le=3650)] | None = None
    per_merchant_limit: Count = 1
    quantity: Count
    published: bool = False


class PublishedIn(Body):
    published: bool


class IssueIn(Body):
    merchant_id: str = Field(min_length=1, max_length=64)
    #: Makes the issue idempotent: the same id twice issues one coupon.
    issue_id: str = Field(default_factory=lambda: f"iss_{uuid.uuid4().hex}", min_length=1, max_length=64)


class FanOutIn(Body):
    """Exactly one of `tier` and `merchant_ids`."""

    tier: str | None = Field(default=None, min_length=1, max_length=64)
    merchant_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        default=None, min_length=1, max_length=10_000
    )
    issue_id: str = Field(default_factory=lambda: f"iss_{uuid.uuid4().hex}", min_length=1, max_length=64)

    @model_validator(mode="after")
    def _one_target(self) -> FanOutIn:
        if (self.tier is None) == (self.merchant_ids is None):
            raise ValueError("tier, merchant_ids: give exactly one")
        return self


class FanOutAccepted(BaseModel):
    """Issued a page of merchants at a time; follow it at GET /v1/coupon-issues/{issue_id}."""

    issue_id: str


def invalid(problem: str) -> ApiError:
    return ApiError(422, "invalid_field", problem)


@router.post("/coupon-channels", status_code=201, responses=errors(409, 503))
async def create_channel(body: ChannelIn, edge: Edge, _: Operator) -> ChannelView:
    """409 when the id names another channel; the same body again answers the same channel."""
    command = CreateChannel(correlation_id=body.id, channel_id=body.id, name=body.name, budget=body.budget)
    await edge.ask(command)
    view = await CouponQueries(edge.db).channel(body.id)
    assert view is not None  # the worker just stored it
    return view


@router.get("/coupon-channels")
async def list_channels(
    edge: Edge, _: Operator, limit: Limit = 50, cursor: Cursor = None
) -> Page[ChannelView]:
    return await CouponQueries(edge.db).channels(limit=limit, cursor=cursor)


@router.get("/coupon-channels/{channel_id}", responses=errors(404))
async def channel(channel_id: str, edge: Edge, _: Operator) -> ChannelView:
    """Issued, locked, redeemed and expired coupons; budget, spent, locked_amount, remaining."""
    view = await CouponQueries(edge.db).channel(channel_id)
    if view is None:
        raise not_found("channel")
    return view


@router.post("/coupon-templates", status_code=201, responses=errors(404, 503))
async def create_template(body: TemplateIn, edge: Edge, _: Operator) -> TemplateView:
    """404 for an unknown channel; 422 for terms that do not fit the kind, or validity given
    both (or neither) as from/to and as days after issue."""
    template_id = f"tpl_{uuid.uuid4().hex[:16]}"
    command = CreateTemplate(correlation_id=template_id, template_id=template_id, **body.model_dump())
    if problem := template_problem(command):
        raise invalid(problem)
    return TemplateView.model_validate(await edge.ask(command))


@router.get("/coupon-templates")
async def list_templates(
    edge: Edge, _: Operator, channel_id: str | None = None, limit: Limit = 50, cursor: Cursor = None
) -> Page[TemplateView]:
    queries = CouponQueries(edge.db)
    return await queries.templates(published_only=False, channel_id=channel_id, limit=limit, cursor=cursor)


@router.get("/coupon-templates/{template_id}", responses=errors(404))
async def template(template_id: str, edge: Edge, _: Operator) -> TemplateView:
    view = await CouponQueries(edge.db).template(template_id)
    if view is None:
        raise not_found("template")
    return view


@router.put("/coupon-templates/{template_id}/published", responses=errors(404, 503))
async def publish(template_id: str, body: PublishedIn, edge: Edge, _: Operator) -> TemplateView:
    """A published template can be claimed by merchants (within its limits)."""
    command = PublishTemplate(correlation_id=template_id, template_id=template_id, published=body.published)
    return TemplateView.model_validate(await edge.ask(command))


@router.post("/coupon-templates/{template_id}/issues", status_code=201, responses=errors(404, 409, 503))
async def issue(template_id: str, body: IssueIn, edge: Edge, _: Operator) -> CouponView:
    """One coupon to one merchant. 409 `conflict` naming why: `sold_out` (the template's
    quantity), `limit_reached` (per merchant), `budget_exhausted` (the channel's remaining
    budget is below this coupon's face value)."""
    if await AccountsQueries(edge.db).merchant_tier(body.merchant_id) is None:
        raise not_found("merchant")
    command = IssueCoupon(
        correlation_id=body.issue_id,
        template_id=template_id,
        merchant_id=body.merchant_id,
        reference=f"issue:{body.issue_id}",
        issue_id=body.issue_id,
    )
    return CouponView.model_validate(await edge.ask(command))


@router.post("/coupon-templates/{template_id}/fan-outs", status_code=202, responses=errors(404, 503))
async def fan_out(template_id: str, body: FanOutIn, edge: Edge, _: Operator) -> FanOutAccepted:
    """To every merchant of a tier, or to a list; idempotent on `issue_id`."""
    if await CouponQueries(edge.db).template(template_id) is None:
        raise not_found("template")
    if body.merchant_ids is not None:
        known = await AccountsQueries(edge.db).existing_merchants(body.merchant_ids)
        if unknown := sorted(set(body.merchant_ids) - known):
            raise invalid(f"merchant_ids: unknown merchant {unknown[0]}")
    command = IssueCoupons(
        correlation_id=body.issue_id,
        issue_id=body.issue_id,
        template_id=template_id,
        tier=body.tier,
        merchant_ids=body.merchant_ids or [],
    )
    await edge.publish(command)
    return FanOutAccepted(issue_id=body.issue_id)


@router.get("/coupon-issues/{issue_id}")
async def issue_report(issue_id: str, edge: Edge, _: Operator) -> IssueView:
    """How many coupons the issue gave so far, and who was refused and why."""
    return await CouponQueries(edge.db).issue(issue_id)


@router.get("/coupons")
async def list_coupons(
    edge: Edge,
    _: Operator,
    merchant_id: str | None = None,
    channel_id: str | None = None,
    template_id: str | None = None,
    status: Annotated[Shown | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[CouponView]:
    where = CouponFilter(merchant_id, channel_id, template_id, status)
    return await CouponQueries(edge.db).coupons(where, limit=limit, cursor=cursor)
