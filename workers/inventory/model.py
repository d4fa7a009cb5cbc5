"""Inventory's aggregates: a SKU's stock with the holds on it, an order's reservation decision,
a supplier's bulk sync; and the stock arithmetic they share.

The repository applies these rules as single conditional updates (the arithmetic written again
as update pipelines, so each change stays atomic); the memory twin applies them through the
methods here.
"""

from __future__ import annotations

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
    """One order's units held on a SKU; short keys, since a hot SKU carries many holds."""

    order_key: str = Field(alias="o")
    qty: int = Field(alias="q")
    #: The partial releases and commits applied to it (each once while the hold lasts).
    keys: list[str] = Field(default_factory=list, alias="k", exclude_if=lambda keys: not keys)


class StockRecord(Document):
    """A SKU's stock: the supplier's count, the units held for open orders, what is left.

    `available` is stored because a hold's filter needs it; it is recomputed by every change.
    """

    COLLECTION: ClassVar[str] = "stock"
    sku: str = Field(alias="_id")
    supplier_id: str
    on_hand: int
    reserved: int = 0
    available: int = 0
    holds: list[Hold] = []
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

    def held_by(self, order_key: str) -> int:
        return sum(h.qty for h in self.holds if h.order_key == order_key)

    def holds_for(self, order_key: str) -> bool:
        return any(h.order_key == order_key for h in self.holds)

    def can_hold(self, order_key: str, qty: int) -> bool:
        """An order holds a SKU once; a new hold needs enough available units."""
        return not self.holds_for(order_key) and self.available >= qty

    def with_hold(self, order_key: str, qty: int) -> StockRecord:
        holds = [*self.holds, Hold(order_key=order_key, qty=qty)]
        return self._counted(self.on_hand, self.reserved + qty, holds)

    def released(self, order_key: str) -> StockRecord:
        """The order's held units are available again."""
        kept = [h for h in self.holds if h.order_key != order_key]
        return self._counted(self.on_hand, self.reserved - self.held_by(order_key), kept)

    def taken_part(self, order_key: str, qty: int, key: str, *, shipped: bool) -> StockRecord:
        """Up to `qty` of the order's held units released (lines cancelled) or shipped (off on-hand
        too), once per key while the hold lasts; a hold emptied is dropped, so a repeat after it
        finds nothing to take."""
        hold = next((h for h in self.holds if h.order_key == order_key), None)
        if hold is None or key in hold.keys:
            return self
        take = min(hold.qty, qty)
        kept = hold.model_copy(update={"qty": hold.qty - take, "keys": [*hold.keys, key]})
        holds = [kept if h is hold else h for h in self.holds if h is not hold or kept.qty > 0]
        on_hand = max(0, self.on_hand - take) if shipped else self.on_hand
        return self._counted(on_hand, self.reserved - take, holds)

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
        held = sum(h.qty for h in self.holds)
        problems = []
        if self.reserved < 0:
            problems.append(f"reserved {self.reserved} < 0")
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


class Reservation(Document):
    """The single decision inventory makes for an order; holds exist only while not closed."""

    COLLECTION: ClassVar[str] = "reservations"
    order_key: str = Field(alias="_id")
    state: ReservationState
    lines: list[StockLine] = []
    reason: str | None = None
    sku: str | None = None

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

    def released(self) -> Reservation:
        """Closed for good, so no late reserve can hold again; a rejection stays a rejection."""
        if self.state is ReservationState.REJECTED:
            return self
        return self.model_copy(update={"state": ReservationState.RELEASED, "reason": "released"})

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
