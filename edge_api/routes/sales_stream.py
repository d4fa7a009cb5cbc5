"""The live sales view: Server-Sent Events of the roll-ups that changed.

Every event carries absolute figures per (group, period), never deltas, and its id is the last
roll-up batch it reflects. A client reconnecting with `Last-Event-ID` gets every (group, period)
changed by a later batch; one without it (or with an id the server does not know) gets a fresh
snapshot. Either way what it holds equals the summary: a dropped connection cannot drift.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime

from edge_api.deps import Edge
from edge_api.openapi import errors
from edge_api.routes.sales import Visible, no_grouping
from workers.sales.model import Granularity
from workers.sales.queries import GroupBy, Period, SalesPoint, SalesQueries, Slice, reading

router = APIRouter(prefix="/v1/sales", tags=["sales"])
#: How often the stream looks for a newer roll-up batch (one small read per look).
POLL_SECONDS = 0.2
#: A comment line after this long without an event keeps proxies from closing the connection.
KEEPALIVE_SECONDS = 15.0
Since = Annotated[AwareDatetime | None, Query(alias="from", description="default: today 00:00 UTC")]


def frame(kind: str, batch: int, points: list[SalesPoint]) -> str:
    data = json.dumps(
        {"batch": batch, "items": [p.model_dump(mode="json") for p in points]}, ensure_ascii=False
    )
    return f"id: {batch}\nevent: {kind}\ndata: {data}\n\n"


def resume_from(last_event_id: str | None, current: int) -> int | None:
    """The batch the client holds, if the id is one this server could have sent."""
    if last_event_id is None or not last_event_id.isdigit():
        return None
    held = int(last_event_id)
    return held if held <= current else None


async def sales_events(
    queries: SalesQueries, view: tuple[Slice, GroupBy, Granularity], start: datetime, resume: str | None
) -> AsyncIterator[str]:
    where, group_by, granularity = view
    held = resume_from(resume, await queries.batch())
    if held is None:
        held = await queries.batch()
        yield frame("snapshot", held, await queries.points(where, group_by, granularity, Period(start)) or [])
    quiet = 0.0
    while True:
        await asyncio.sleep(POLL_SECONDS)
        now = await queries.batch()
        changed = {
            p for p in await queries.changed_periods(where, group_by, granularity, held, now) if p >= start
        }
        if changed:
            yield frame("change", now, await queries.points_in(where, group_by, granularity, changed))
            quiet = 0.0
        elif (quiet := quiet + POLL_SECONDS) >= KEEPALIVE_SECONDS:
            yield ": keep-alive\n\n"
            quiet = 0.0
        held = now


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}},
        **errors(403, 404, 422),
    },
)
async def stream(
    where: Visible,
    edge: Edge,
    group_by: GroupBy = GroupBy.PLATFORM,
    granularity: Granularity = Granularity.HOUR,
    start: Since = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """`snapshot` (every group and period since `from`), then `change` events (the groups and
    periods a roll-up batch moved, with their new figures). Ids are roll-up batches."""
    if reading(where, group_by) is None:
        raise no_grouping(group_by)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    since = today if start is None else start.astimezone(UTC)
    events = sales_events(SalesQueries(edge.db), (where, group_by, granularity), since, last_event_id)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)
