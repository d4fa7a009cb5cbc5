"""An order's reservation: the one decision inventory makes for it, the runs working on it,
and the takes that have left its holds since."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from schemas.common import StockLine
from schemas.envelope import Message
from schemas.events import StockRejected, StockReserved
from workers.inventory.model.base import Document


class ReservationState(StrEnum):
    PENDING = "pending"
    RESERVED = "reserved"
    REJECTED = "rejected"
    RELEASED = "released"


#: The take key under which closing a reserved order releases what it still holds.
CLOSE_KEY = "close"


def new_attempt() -> str:
    """One run of a handler on a reservation: unique, unlike a message id, which a duplicate
    of the same command shares."""
    return uuid.uuid4().hex


class Take(Document):
    """Units taken off an order's hold on one SKU under a key (a shipment, a refund's cancelled
    lines, the order's close): recorded once, then `applied` once the SKU has them."""

    key: str = Field(alias="k")
    sku: str = Field(alias="s")
    qty: int = Field(alias="q")
    applied: bool = Field(default=False, alias="a")


class Reservation(Document):
    """The single decision inventory makes for an order, and what its holds became since."""

    COLLECTION: ClassVar[str] = "reservations"
    order_key: str = Field(alias="_id")
    state: ReservationState
    lines: list[StockLine] = Field(default_factory=list)
    reason: str | None = None
    sku: str | None = None
    #: The handler runs (`new_attempt`) working on it now. A hold settles, and a take's marks are
    #: dropped, only while none is: a run that read an older state is never left to repeat it.
    attempts: list[str] = Field(default_factory=list)
    #: Reserved, with no attempt running since: no reserve can hold again, so the SKUs may count
    #: its holds in `StockRecord.settled` (its share stays here: the lines less what was taken).
    settled: bool = False
    taken: list[Take] = Field(default_factory=list)
    #: Closed after it was reserved: its holds were released by `CLOSE_KEY` takes.
    was_reserved: bool = False
    #: Counts the changes to `taken`, so two takes never compute from the same remainder.
    version: int = Field(default=0, alias="v")

    @classmethod
    def opened(cls, order_key: str, lines: list[StockLine]) -> Reservation:
        return cls(order_key=order_key, state=ReservationState.PENDING, lines=lines)

    @property
    def closed(self) -> bool:
        return self.state in (ReservationState.REJECTED, ReservationState.RELEASED)

    def decided(
        self, state: ReservationState, reason: str | None = None, sku: str | None = None
    ) -> Reservation:
        """Only a pending reservation is decided; a decision, once made, is what every repeat gets."""
        if self.state is not ReservationState.PENDING:
            return self
        return self.model_copy(update={"state": state, "reason": reason, "sku": sku})

    def attempted(self, attempt: str) -> Reservation:
        if attempt in self.attempts:
            return self
        return self.model_copy(update={"attempts": [*self.attempts, attempt]})

    def left(self, attempt: str) -> Reservation:
        """The attempt is over; settled once reserved with no attempt left (never unsettled)."""
        attempts = [a for a in self.attempts if a != attempt]
        quiet = self.state is ReservationState.RESERVED and not attempts
        return self.model_copy(update={"attempts": attempts, "settled": self.settled or quiet})

    def released(self) -> Reservation:
        """Closed for good, so no late reserve can hold again; a rejection stays a rejection. A
        reserved order gives back what it still holds, as takes under `CLOSE_KEY`."""
        if self.state is ReservationState.REJECTED:
            return self
        if self.state is ReservationState.RESERVED:
            closing = self.with_takes(self.taking(CLOSE_KEY, self.lines))
            return closing.model_copy(
                update={"state": ReservationState.RELEASED, "reason": "released", "was_reserved": True}
            )
        return self.model_copy(update={"state": ReservationState.RELEASED, "reason": "released"})

    def remaining(self, sku: str) -> int:
        """The units the order still holds on the SKU, once reserved."""
        asked = sum(line.qty for line in self.lines if line.sku == sku)
        return asked - sum(t.qty for t in self.taken if t.sku == sku)

    def takes_of(self, key: str) -> list[Take]:
        return [t for t in self.taken if t.key == key]

    def taking(self, key: str, lines: list[StockLine]) -> list[Take]:
        """What `key` newly takes: per line not taken under it yet, up to what the order still
        holds there. Only a reserved order holds anything to take."""
        if self.state is not ReservationState.RESERVED:
            return []
        done = {t.sku for t in self.takes_of(key)}
        takes = [Take(key=key, sku=ln.sku, qty=min(ln.qty, self.remaining(ln.sku))) for ln in lines]
        return [t for t in takes if t.sku not in done and t.qty > 0]

    def with_takes(self, takes: list[Take]) -> Reservation:
        return self.model_copy(update={"taken": [*self.taken, *takes], "version": self.version + 1})

    def applied(self, key: str) -> Reservation:
        """Every take under `key` is on its SKU."""
        taken = [t.model_copy(update={"applied": True}) if t.key == key else t for t in self.taken]
        return self.model_copy(update={"taken": taken})

    def outcome(self) -> Message:
        if self.state is ReservationState.RESERVED:
            return StockReserved(correlation_id=self.order_key, order_key=self.order_key)
        return StockRejected(
            correlation_id=self.order_key,
            order_key=self.order_key,
            reason=self.reason or self.state.value,
            sku=self.sku,
        )
