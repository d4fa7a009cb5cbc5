"""A SKU's stock document: the supplier's count, the holds on it, and their arithmetic.

The repository applies these rules as single conditional updates (the arithmetic written again
as update pipelines, so each change stays atomic); the memory twin applies them through the
methods here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from workers.inventory.model.base import Document, available
from workers.inventory.model.reservation import Take


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
    holds: list[Hold] = Field(default_factory=list)
    settled: int = 0
    #: Takes applied here that their reservation does not yet record as applied (`take_mark`).
    marks: list[str] = Field(default_factory=list)
    synced_at: datetime
    #: The sync that created the record: a repeat of that sync still reports it as new.
    first_synced_at: datetime | None = None
    #: Returns restocked (each once) and the units they put back on hand.
    restocks: list[str] = Field(default_factory=list)
    restocked: int = 0
    #: Some shop has listed the SKU, so its stock changes are announced (`StockChanged`); a SKU
    #: nobody sells through a shop changes with every order, and nobody needs to hear of it.
    selected: bool = False

    @classmethod
    def first_sync(cls, sku: str, supplier_id: str, on_hand: int, at: datetime) -> StockRecord:
        return cls(
            sku=sku,
            supplier_id=supplier_id,
            on_hand=on_hand,
            available=on_hand,
            synced_at=at,
            first_synced_at=at,
        )

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

    #: The record is new with this sync (also said again when the same sync is repeated).
    CREATED = "created"
    UPDATED = "updated"
    STALE = "stale"  # a newer (or the same) sync was applied before: nothing changed


class Held(BaseModel):
    """The order holds units of the SKU; `selected`: its stock changes are to be announced."""

    model_config = ConfigDict(frozen=True)
    selected: bool = False
