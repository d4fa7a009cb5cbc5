"""Tracking checkpoints, the shipment's tracking summary and corrections: conditional
single-document writes, and inserts that skip what is already stored."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from workers.order.model import LogEntry, SubOrder, SubOrderStatus
from workers.order.model.tracking import MAX_CORRECTIONS, Checkpoint, ShipmentCorrection, Tracking
from workers.order.repository.names import ORDERS, SUB_ORDERS, TRACKING_CHECKPOINTS

Doc = dict[str, Any]
DUPLICATE_KEY = 11000


class MongoTracking:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._orders = db[ORDERS]
        self._subs = db[SUB_ORDERS]
        self._checkpoints = db[TRACKING_CHECKPOINTS]

    async def add_checkpoints(self, checkpoints: list[Checkpoint]) -> int:
        if not checkpoints:
            return 0
        docs = [c.model_dump(by_alias=True) for c in checkpoints]
        try:
            result = await self._checkpoints.insert_many(docs, ordered=False)
        except BulkWriteError as exc:  # stored by an earlier push: every push repeats the history
            if any(err.get("code") != DUPLICATE_KEY for err in exc.details.get("writeErrors", [])):
                raise
            return int(exc.details.get("nInserted", 0))
        return len(result.inserted_ids)

    async def advance_tracking(
        self, sub_order_id: str, tracking_no: str, tracking: Tracking
    ) -> SubOrder | None:
        current = {"_id": sub_order_id, "shipment.tracking_no": tracking_no, "status": SubOrderStatus.SHIPPED}
        span = {
            "$min": {"tracking.first_at": tracking.first_at},
            "$max": {"tracking.last_at": tracking.last_at},
        }
        newer = {**current, "tracking.as_of": {"$not": {"$gte": tracking.as_of}}}
        state = {"tracking.state": tracking.state, "tracking.as_of": tracking.as_of}
        setting: Doc = {"$set": state, **span}
        if tracking.carrier_state is None:
            setting["$unset"] = {"tracking.carrier_state": ""}
        else:
            state["tracking.carrier_state"] = tracking.carrier_state
        moved = await self._subs.find_one_and_update(newer, setting, return_document=ReturnDocument.AFTER)
        if moved is None:  # an as new or newer state is stored: only the span may widen
            await self._subs.update_one({**current, "tracking.state": {"$exists": True}}, span)
        doc = await self._subs.find_one({"_id": sub_order_id})
        return None if doc is None else SubOrder.model_validate(doc)

    async def sub_orders_of(self, order_key: str) -> list[SubOrder]:
        cursor = self._subs.find({"order_key": order_key}).sort("supplier_id", ASCENDING)
        return [SubOrder.model_validate(doc) async for doc in cursor]

    async def correct_shipment(
        self, sub_order_id: str, supplier_id: str, correction: ShipmentCorrection
    ) -> SubOrder | None:
        moved = await self._subs.find_one_and_update(
            {
                "_id": sub_order_id,
                "supplier_id": supplier_id,
                "status": SubOrderStatus.SHIPPED,
                "shipment.carrier": correction.previous_carrier,
                "shipment.tracking_no": correction.previous_tracking_no,
                # Exactly the corrections before this one are stored, and it is still allowed.
                f"corrections.{correction.number - 1}": {"$exists": False},
                f"corrections.{MAX_CORRECTIONS - 1}": {"$exists": False},
            },
            {
                "$set": {
                    "shipment.carrier": correction.carrier,
                    "shipment.tracking_no": correction.tracking_no,
                },
                "$push": {"corrections": correction.model_dump()},
                "$unset": {"tracking": ""},
            },
            return_document=ReturnDocument.AFTER,
        )
        return None if moved is None else SubOrder.model_validate(moved)

    async def log_change_once(self, order_key: str, entry: LogEntry) -> bool:
        already = {
            "type": entry.type,
            "data.sub_order_id": entry.data.get("sub_order_id"),
            "data.change": entry.data.get("change"),
        }
        result = await self._orders.update_one(
            {"_id": order_key, "events": {"$not": {"$elemMatch": already}}},
            {"$push": {"events": entry.model_dump()}},
        )
        return result.modified_count == 1


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    await db[TRACKING_CHECKPOINTS].create_index([("sub_order_id", ASCENDING), ("at", DESCENDING)])
    # A carrier's push names the parcel by its number (and carrier): find its sub-order by it.
    await db[SUB_ORDERS].create_index("shipment.tracking_no")
