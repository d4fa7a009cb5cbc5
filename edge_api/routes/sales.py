"""Sales: the roll-ups summed per group over a period (JSON or CSV), as series per hour or day,
and the top groups. Operators see everything; a merchant or a supplier its own slice."""

from __future__ import annotations

import csv
import io
from datetime import UTC
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel

from edge_api.deps import AnyCaller, Edge
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from workers.sales.model import Granularity
from workers.sales.queries import GroupBy, Metric, Period, SalesQueries, SalesRow, Series, Slice, Summary

router = APIRouter(prefix="/v1/sales", tags=["sales"])
CSV_COLUMNS = tuple(SalesRow.model_fields)

Since = Annotated[
    AwareDatetime | None, Query(alias="from", description="inclusive: buckets starting at or after")
]
Until = Annotated[AwareDatetime | None, Query(alias="to", description="exclusive: buckets starting before")]
MerchantId = Annotated[str | None, Query(description="operator: one merchant's slice")]
SupplierId = Annotated[str | None, Query(description="operator: one supplier's slice")]


async def sales_slice(
    caller: AnyCaller, merchant_id: MerchantId = None, supplier_id: SupplierId = None
) -> Slice:
    """The operator's pick (everything by default); a merchant's or a supplier's own sales. Asking
    for someone else's slice is not found."""
    if caller.is_operator:
        return Slice(merchant=merchant_id, supplier=supplier_id)
    own = Slice(merchant=caller.id) if caller.kind == "merchant" else Slice(supplier=caller.id)
    asked = Slice(merchant=merchant_id or own.merchant, supplier=supplier_id or own.supplier)
    if asked != own:
        raise not_found("sales")
    return own


async def period(start: Since = None, end: Until = None) -> Period:
    """The bounds in UTC: roll-up hours and days are UTC's."""
    if start is not None and end is not None and start >= end:
        raise ApiError(422, "invalid_field", "from: must be before to")
    return Period(*(None if at is None else at.astimezone(UTC) for at in (start, end)))


Visible = Annotated[Slice, Depends(sales_slice)]
Window = Annotated[Period, Depends(period)]


def no_grouping(group_by: str) -> ApiError:
    return ApiError(403, "forbidden", f"group_by={group_by} is for operators")


@router.get("/summary", responses=errors(403, 404, 422))
async def summary(where: Visible, window: Window, edge: Edge, group_by: GroupBy = GroupBy.DAY) -> Summary:
    """Figures per group, largest revenue first. Whole-day bounds read the daily roll-ups, others
    the hourly ones; a bucket counts when its hour or day starts in [from, to)."""
    found = await SalesQueries(edge.db).summary(where, group_by, window)
    if found is None:
        raise no_grouping(group_by)
    return found


@router.get(
    "/summary.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}, **errors(403, 404, 422)},
)
async def summary_csv(
    where: Visible, window: Window, edge: Edge, group_by: GroupBy = GroupBy.DAY
) -> Response:
    """The rows of `GET /v1/sales/summary` with the same parameters."""
    found = await summary(where, window, edge, group_by)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in found.items:
        shown = row.model_dump()
        writer.writerow([shown[column] for column in CSV_COLUMNS])
    return Response(buffer.getvalue(), media_type="text/csv")


@router.get("/timeseries", responses=errors(403, 404, 422))
async def timeseries(
    where: Visible,
    window: Window,
    edge: Edge,
    metric: Metric = Metric.REVENUE,
    granularity: Granularity = Granularity.HOUR,
    group_by: GroupBy | None = None,
) -> Series:
    """One metric per group and hour (or day), oldest first; without group_by, the totals (keyed
    by the period)."""
    grouping = group_by or (GroupBy.HOUR if granularity is Granularity.HOUR else GroupBy.DAY)
    found = await SalesQueries(edge.db).series(where, grouping, granularity, window, metric)
    if found is None:
        raise no_grouping(grouping)
    return found


class TopBy(StrEnum):
    SKU = "sku"
    MERCHANT = "merchant"
    SUPPLIER = "supplier"


class TopMetric(StrEnum):
    UNITS = "units"
    REVENUE = "revenue"
    MARGIN = "margin"


class Top(BaseModel):
    by: TopBy
    metric: TopMetric
    items: list[SalesRow]


@router.get("/top", responses=errors(403, 404, 422))
async def top(
    where: Visible,
    window: Window,
    edge: Edge,
    by: TopBy = TopBy.SKU,
    metric: TopMetric = TopMetric.REVENUE,
    n: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Top:
    """The n groups with the largest metric (ties by key)."""
    found = await summary(where, window, edge, GroupBy(by.value))
    ranked = sorted(found.items, key=lambda row: (-getattr(row, metric.value), row.key))
    return Top(by=by, metric=metric, items=ranked[:n])
