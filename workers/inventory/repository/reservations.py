"""Reservation documents: an order's decision, the attempts running on it, its takes.

The hot path (open, decide) is one conditional update each. A take computes its units in the
model (`Reservation.taking`) and stores them only if no other take changed the reservation
since it read it (`v`), so two takes never spend the same remainder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from schemas.common import StockLine
from workers.inventory.model import Reservation, ReservationState

Doc = dict[str, Any]
Expr = dict[str, Any]

#: Rounds of read-and-compare before a take gives up (the message is then redelivered).
_TRIES = 8
_AFTER = ReturnDocument.AFTER


def _without(attempt: str) -> Expr:
    return {
        "$filter": {
            "input": {"$ifNull": ["$attempts", []]},
            "cond": {"$ne": ["$$this", {"$literal": attempt}]},
        }
    }


#: `Reservation.left`'s rule: settled once reserved with no attempt running, and never undone.
_SETTLE_IF_QUIET = {
    "$set": {
        "settled": {
            "$or": [
                {"$ifNull": ["$settled", False]},
                {
                    "$and": [
                        {"$eq": ["$state", ReservationState.RESERVED.value]},
                        {"$eq": [{"$size": "$attempts"}, 0]},
                    ]
                },
            ]
        }
    }
}


def _ending(attempt: str, fields: Expr) -> list[Doc]:
    """An update that sets `fields` and ends `attempt` (`Reservation.left`)."""
    return [{"$set": {**fields, "attempts": _without(attempt)}}, _SETTLE_IF_QUIET]


def _at_version(version: int) -> Doc:
    """A reservation stored before versions were kept counts as version 0."""
    return {"v": version} if version else {"v": {"$in": [0, None]}}


def _stored(doc: Doc | None) -> Reservation:
    if doc is None:  # an upsert, or an update of a document that exists, with AFTER
        raise RuntimeError("reservation document missing after its update")
    return Reservation.model_validate(doc)


class MongoReservations:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._reservations = db[Reservation.COLLECTION]

    async def open_reservation(self, order_key: str, lines: list[StockLine], attempt: str) -> Reservation:
        return await self._upsert(Reservation.opened(order_key, lines), attempt)

    async def decide(
        self,
        order_key: str,
        attempt: str,
        state: ReservationState,
        reason: str | None = None,
        sku: str | None = None,
    ) -> Reservation:
        decision = {"state": state.value, "reason": reason, "sku": sku}
        doc = await self._reservations.find_one_and_update(
            {"_id": order_key, "state": ReservationState.PENDING.value},
            _ending(attempt, {k: {"$literal": v} for k, v in decision.items()}),
            return_document=_AFTER,
        )
        if doc is None:  # decided before: end the attempt on the stored decision
            return _stored(await self._end(order_key, attempt))
        return _stored(doc)

    async def leave(self, order_key: str, attempt: str) -> Reservation | None:
        doc = await self._end(order_key, attempt)
        return None if doc is None else Reservation.model_validate(doc)

    async def finish_take(self, order_key: str, key: str, attempt: str) -> Reservation:
        mine = {"$eq": ["$$this.k", {"$literal": key}]}
        applied = {"$cond": [mine, {"$mergeObjects": ["$$this", {"a": True}]}, "$$this"]}
        taken = {"$map": {"input": {"$ifNull": ["$taken", []]}, "in": applied}}
        return _stored(await self._end(order_key, attempt, {"taken": taken}))

    async def _end(self, order_key: str, attempt: str, fields: Expr | None = None) -> Doc | None:
        return await self._reservations.find_one_and_update(
            {"_id": order_key}, _ending(attempt, fields or {}), return_document=_AFTER
        )

    async def close_reservation(self, order_key: str, attempt: str) -> Reservation:
        opened = await self._upsert(Reservation.opened(order_key, []).released(), attempt)
        return await self._revise(opened, lambda current: current.released())

    async def take(
        self, order_key: str, key: str, lines: list[StockLine], attempt: str
    ) -> Reservation | None:
        doc = await self._reservations.find_one_and_update(
            {"_id": order_key}, {"$addToSet": {"attempts": attempt}}, return_document=_AFTER
        )
        if doc is None:
            return None
        return await self._revise(
            Reservation.model_validate(doc), lambda current: current.with_takes(current.taking(key, lines))
        )

    async def _revise(
        self, current: Reservation, change: Callable[[Reservation], Reservation]
    ) -> Reservation:
        """`change` stored, computed from the reservation as read: only if neither its state nor
        its takes changed since, else read again and computed again."""
        for _ in range(_TRIES):
            changed = change(current)
            if changed.state is current.state and changed.taken == current.taken:
                return current
            doc = await self._reservations.find_one_and_update(
                {"_id": current.order_key, "state": current.state.value, **_at_version(current.version)},
                {
                    "$set": {
                        "state": changed.state.value,
                        "reason": changed.reason,
                        "was_reserved": changed.was_reserved,
                    },
                    "$push": {
                        "taken": {
                            "$each": [
                                t.model_dump(by_alias=True) for t in changed.taken[len(current.taken) :]
                            ]
                        }
                    },
                    "$inc": {"v": 1},
                },
                return_document=_AFTER,
            )
            if doc is not None:
                return Reservation.model_validate(doc)
            current = _stored(await self._reservations.find_one({"_id": current.order_key}))
        raise RuntimeError(f"reservation {current.order_key} changed under every attempt to revise it")

    async def _upsert(self, fresh: Reservation, attempt: str) -> Reservation:
        """The stored reservation (`fresh` if there was none), with `attempt` running on it."""
        inserted = fresh.model_dump(by_alias=True, exclude={"order_key", "attempts"})
        for _ in range(3):
            try:
                doc = await self._reservations.find_one_and_update(
                    {"_id": fresh.order_key},
                    {"$setOnInsert": inserted, "$addToSet": {"attempts": attempt}},
                    upsert=True,
                    return_document=_AFTER,
                )
            except DuplicateKeyError:  # a concurrent upsert of the same order won: update it
                continue
            if doc is not None:  # the embedded store may answer a lost upsert race with none
                return Reservation.model_validate(doc)
        raise RuntimeError(f"reservation {fresh.order_key} could not be opened")
