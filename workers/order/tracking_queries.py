"""Tracking's read side: checkpoints for the order and sub-order views, the shipment a
carrier's push names, and the shipping exceptions ops must look at (computed at a given now)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from juhe.store.pages import Page, keyset_page
from schemas.tracking import TrackingState
from workers.order.model import Omitted, SubOrder, SubOrderStatus
from workers.order.model.tracking import Checkpoint, merge_checkpoints
from workers.order.model.tracking_rules import (
    CARRIER_EXCEPTIONS,
    NO_PICKUP_AFTER,
    NO_UPDATE_AFTER,
    ExceptionKind,
    shipping_exceptions,
)
from workers.order.repository.names import SUB_ORDERS, TRACKING_CHECKPOINTS

Doc = dict[str, Any]
#: A view shows at most this many checkpoints per shipment, newest first.
MAX_SHOWN = 200


class CheckpointView(BaseModel):
    at: datetime
    context: str
    source: str
    state: Annotated[TrackingState | None, Omitted] = None
    carrier_state: Annotated[str | None, Omitted] = None
    area_code: Annotated[str | None, Omitted] = None
    area_name: Annotated[str | None, Omitted] = None


class ShipmentRef(BaseModel):
    sub_order_id: str
    order_key: str
    carrier: str
    tracking_no: str


class ShippingExceptionView(BaseModel):
    kind: ExceptionKind
    since: datetime
    sub_order_id: str
    order_key: str
    supplier_id: str
    merchant_id: str
    carrier: str
    tracking_no: str
    state: Annotated[TrackingState | None, Omitted] = None


class TrackingQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def checkpoints(self, subs: Mapping[str, str]) -> dict[str, list[CheckpointView]]:
        """Each sub-order's checkpoints of its current tracking number (`subs`: id -> number)."""
        if not subs:
            return {}
        query = {"sub_order_id": {"$in": sorted(subs)}}
        found: dict[str, list[Checkpoint]] = defaultdict(list)
        async for doc in self._db[TRACKING_CHECKPOINTS].find(query):
            checkpoint = Checkpoint.model_validate(doc)
            if subs[checkpoint.sub_order_id] == checkpoint.tracking_no:
                found[checkpoint.sub_order_id].append(checkpoint)
        return {
            sub_id: [
                CheckpointView.model_validate(c.model_dump()) for c in merge_checkpoints(cs, [])[:MAX_SHOWN]
            ]
            for sub_id, cs in found.items()
        }

    async def shipment(self, carrier: str, tracking_no: str) -> ShipmentRef | None:
        """The shipped sub-order with this number whose carrier is `carrier` (any case: a
        carrier code is the aggregator's, lower case, a supplier may have typed it otherwise)."""
        query = {"shipment.tracking_no": tracking_no, "status": SubOrderStatus.SHIPPED}
        async for doc in self._db[SUB_ORDERS].find(query):
            sub = SubOrder.model_validate(doc)
            if sub.shipment is not None and sub.shipment.carrier.casefold() == carrier.casefold():
                return ShipmentRef(
                    sub_order_id=sub.id, order_key=sub.order_key, carrier=carrier, tracking_no=tracking_no
                )
        return None

    async def shipping_exceptions(
        self, now: datetime, kind: ExceptionKind | None, *, limit: int, cursor: str | None
    ) -> Page[ShippingExceptionView]:
        """Shipped sub-orders with an exception at `now`, oldest sub-order first; a page holds up
        to `limit` sub-orders, each with every exception it has."""
        docs, next_cursor = await keyset_page(
            self._db[SUB_ORDERS],
            _candidates(now, kind),
            field="list_key",
            limit=limit,
            cursor=cursor,
            descending=False,
        )
        items = []
        for doc in docs:
            sub = SubOrder.model_validate(doc)
            assert sub.shipment is not None
            for found in shipping_exceptions(sub, now):
                if kind is None or found.kind == kind:
                    items.append(
                        ShippingExceptionView(
                            kind=found.kind,
                            since=found.since,
                            sub_order_id=sub.id,
                            order_key=sub.order_key,
                            supplier_id=sub.supplier_id,
                            merchant_id=sub.merchant_id,
                            carrier=sub.shipment.carrier,
                            tracking_no=sub.shipment.tracking_no,
                            state=None if sub.tracking is None else sub.tracking.state,
                        )
                    )
        return Page(items=items, next_cursor=next_cursor)


def _candidates(now: datetime, kind: ExceptionKind | None) -> Doc:
    """A store filter holding every sub-order the model's rule may flag (the rule decides)."""
    by_kind: dict[ExceptionKind, Doc] = {
        ExceptionKind.NO_PICKUP: {
            "tracking": {"$exists": False},
            "shipment.shipped_at": {"$lte": now - NO_PICKUP_AFTER},
        },
        ExceptionKind.NO_UPDATE: {"tracking.last_at": {"$lte": now - NO_UPDATE_AFTER}},
    }
    carrier = {"tracking.carrier_state": {"$in": sorted(CARRIER_EXCEPTIONS)}}
    stated = {"tracking.state": TrackingState.EXCEPTION}
    for carrier_kind in (ExceptionKind.REFUSED, ExceptionKind.RETURNED_TO_SENDER, ExceptionKind.PROBLEM):
        by_kind[carrier_kind] = {"$or": [carrier, stated]}
    wanted = list(by_kind.values()) if kind is None else [by_kind[kind]]
    return {"status": SubOrderStatus.SHIPPED, "$or": wanted}
