"""Inventory's aggregates: a SKU's stock with the holds on it, an order's reservation decision,
a supplier's bulk sync; and the stock arithmetic they share.

The repository applies these rules as single conditional updates (the arithmetic written again
as update pipelines, so each change stays atomic); the memory twin applies them through the
methods here.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from schemas.common import StockLine
from schemas.envelope import Message
from schemas.events import StockRejected, StockReserved
from schemas.stock_sync import StartStockSync


def available(on_hand: int, reserved: int) -> int:
    """A sync below what is reserved leaves nothing to sell, never a negative count."""
    return max(0, on_hand - reserved)


def shortfall(on_hand: int, reserved: int) -> int:
    return max(0, reserved - on_hand)


def merge_lines(lines: list[StockLine]) -> list[StockLine]:
    """One line per SKU, in SKU order so concurrent orders touch documents alike."""
    totals: Counter[str] = Counter()
    for line in lines:
        totals[line.sku] += line.qty
    return [StockLine(sku=sku, qty=qty) for sku, qty in sorted(totals.items())]


class Document(BaseModel):
    """A stored aggregate: immutable here, its `_id` mapped to a named field."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)


class Hold(Document):
    """One order's units held on a SKU until its reservation settles; short keys, since a hot
    SKU carries one per order in flight."""

    order_key: str = Field(alias="o")
    qty: int = Field(alias="q")


def take_mark(order_key: str, key: str) -> str:
    """What a SKU notes while a take of the order's units (`key`) is not yet recorded as applied."""
    return f"{order_key}|{key}"


class StockRecord(Document):
    """A SKU's stock: the supplier's count, the units held for open orders, what is left.

    Units held are `reserved`: the `holds` of orders whose reservation is not settled yet, plus
    `settled`, the units of settled reservations (each order's share is on its reservation). A
    hold settles once its order is reserved and no attempt to reserve it is still running, so
    the document carries the orders in flight, not every open one, and a hold's work stays
    bounded however many orders wait for shipment.

    `available` is stored because a hold's filter needs it; it is recomputed by every change.
    """

    COLLECTION: ClassVar[str] = "stock"
    sku: str = Field(alias="_id")
    supplier_id: str
    on_hand: int
    reserved: int = 0
    available: int = 0
    holds: list[Hold] = []
    settled: int = 0
    #: Takes applied here that their reservation does not yet record as applied (`take_mark`).
    marks: list[str] = []
    synced_at: datetime
    #: Returns restocked (each once) and the units they put back on hand.
    restocks: list[str] = []
    restocked: int = 0
    #: Some shop has listed the SKU, so its stock changes are announced (`StockChanged`); a SKU
    #: nobody sells through a shop changes with every order, and nobody needs to hear of it.
    selected: bool = False

    @classmethod
    def first_sync(cls, sku: str, supplier_id: str, on_hand: int, at: datetime) -> StockRecord:
        return cls(sku=sku, supplier_id=supplier_id, on_hand=on_hand, available=on_hand, synced_at=at)

    def hold_of(self, order_key: str) -> Hold | None:
        return next((h for h in self.holds if h.order_key == order_key), None)

    def holds_for(self, order_key: str) -> bool:
        return self.hold_of(order_key) is not None

    def can_hold(self, order_key: str, qty: int) -> bool:
        """An order holds a SKU once; a new hold needs enough available units."""
        return not self.holds_for(order_key) and self.available >= qty

    def with_hold(self, order_key: str, qty: int) -> StockRecord:
        holds = [*self.holds, Hold(order_key=order_key, qty=qty)]
        return self._counted(self.on_hand, self.reserved + qty, holds)

    def with_settled(self, order_keys: set[str]) -> StockRecord:
        """The holds of these settled orders counted in `settled`; `reserved` does not change."""
        moved = sum(h.qty for h in self.holds if h.order_key in order_keys)
        kept = [h for h in self.holds if h.order_key not in order_keys]
        return self.model_copy(update={"holds": kept, "settled": self.settled + moved})

    def released(self, order_key: str) -> StockRecord:
        """The order's unsettled hold is available again (a reservation that was never reserved)."""
        hold = self.hold_of(order_key)
        if hold is None:
            return self
        kept = [h for h in self.holds if h is not hold]
        return self._counted(self.on_hand, self.reserved - hold.qty, kept)

    def taken(self, order_key: str, take: Take, *, shipped: bool) -> StockRecord:
        """A take of the order's held units, once (its mark): off the order's hold while it is
        not settled, else off `settled`; shipped units leave on-hand too."""
        mark = take_mark(order_key, take.key)
        if mark in self.marks:
            return self
        hold = self.hold_of(order_key)
        if hold is None:
            holds, settled = self.holds, self.settled - take.qty
        else:
            rest = hold.model_copy(update={"qty": hold.qty - take.qty})
            holds = [rest if h is hold else h for h in self.holds if h is not hold or rest.qty > 0]
            settled = self.settled
        on_hand = max(0, self.on_hand - take.qty) if shipped else self.on_hand
        record = self.model_copy(update={"settled": settled, "marks": [*self.marks, mark]})
        return record._counted(on_hand, self.reserved - take.qty, holds)

    def unmarked(self, mark: str) -> StockRecord:
        return self.model_copy(update={"marks": [m for m in self.marks if m != mark]})

    def restocked_by(self, key: str, qty: int) -> StockRecord:
        """Returned units back on hand, once per return."""
        if key in self.restocks:
            return self
        record = self.model_copy(
            update={"restocks": [*self.restocks, key], "restocked": self.restocked + qty}
        )
        return record._counted(self.on_hand + qty, self.reserved, self.holds)

    def synced(self, supplier_id: str, on_hand: int, at: datetime) -> StockRecord:
        """The supplier's absolute count; the holds stay, a count below them is a shortfall."""
        record = self.model_copy(update={"supplier_id": supplier_id, "synced_at": at})
        return record._counted(on_hand, self.reserved, self.holds)

    def _counted(self, on_hand: int, reserved: int, holds: list[Hold]) -> StockRecord:
        update = {"on_hand": on_hand, "reserved": reserved, "holds": holds}
        return self.model_copy(update={**update, "available": available(on_hand, reserved)})

    def violations(self) -> list[str]:
        """The per-SKU invariants of DESIGN.md this record breaks, each as a readable line."""
        held = sum(h.qty for h in self.holds) + self.settled
        problems = []
        if self.reserved < 0:
            problems.append(f"reserved {self.reserved} < 0")
        if self.settled < 0:
            problems.append(f"settled {self.settled} < 0")
        if self.reserved != held:
            problems.append(f"reserved {self.reserved} != open holds {held}")
        if self.available != available(self.on_hand, self.reserved):
            problems.append(f"available {self.available} != max(0, on_hand - reserved)")
        return problems


class Synced(StrEnum):
    """What a supplier's count did to a SKU's stock record."""

    CREATED = "created"
    UPDATED = "updated"
    STALE = "stale"  # a newer (or the same) sync was applied before: nothing changed


class Held(BaseModel):
    """The order holds units of the SKU; `selected`: its stock changes are to be announced."""

    model_config = ConfigDict(frozen=True)
    selected: bool = False


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
    lines: list[StockLine] = []
    reason: str | None = None
    sku: str | None = None
    #: The handler runs (`new_attempt`) working on it now. A hold settles, and a take's marks are
    #: dropped, only while none is: a run that read an older state is never left to repeat it.
    attempts: list[str] = []
    #: Reserved, with no attempt running since: no reserve can hold again, so the SKUs may count
    #: its holds in `StockRecord.settled` (its share stays here: the lines less what was taken).
    settled: bool = False
    taken: list[Take] = []
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


def sync_key(supplier_id: str, sync_id: str) -> str:
    """Sync ids are the caller's own, so they are unique per supplier, not platform-wide."""
    return f"{supplier_id}:{sync_id}"


class StockSync(Document):
    """A supplier's bulk sync, recorded once under its sync id, with the chunks applied so far.

    `at` is the sync's own time: every chunk applies its counts at it, so a newer sync is
    never rolled back by an older one's late or repeated chunk.
    """

    COLLECTION: ClassVar[str] = "stock_syncs"
    key: str = Field(alias="_id")
    supplier_id: str
    sync_id: str
    digest: str
    items: int
    chunks: int
    at: datetime
    done: list[int] = []

    @classmethod
    def started(cls, cmd: StartStockSync, at: datetime) -> StockSync:
        fields = cmd.model_dump(include={"supplier_id", "sync_id", "digest", "items", "chunks"})
        return cls(key=sync_key(cmd.supplier_id, cmd.sync_id), at=at, **fields)

    def has_applied(self, chunk: int) -> bool:
        return chunk in self.done
