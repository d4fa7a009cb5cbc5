"""Inventory values: a reservation decision per order, and stock arithmetic."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from schemas.common import StockLine
from schemas.envelope import Message
from schemas.events import StockRejected, StockReserved


class ReservationState(StrEnum):
    PENDING = "pending"
    RESERVED = "reserved"
    REJECTED = "rejected"
    RELEASED = "released"


@dataclass(frozen=True)
class Reservation:
    """The single decision inventory makes for an order; holds exist only while not closed."""

    order_key: str
    state: ReservationState
    reason: str | None = None
    sku: str | None = None

    @property
    def closed(self) -> bool:
        return self.state in (ReservationState.REJECTED, ReservationState.RELEASED)

    def outcome(self) -> Message:
        if self.state is ReservationState.RESERVED:
            return StockReserved(correlation_id=self.order_key, order_key=self.order_key)
        return StockRejected(
            correlation_id=self.order_key,
            order_key=self.order_key,
            reason=self.reason or self.state.value,
            sku=self.sku,
        )


def merge_lines(lines: list[StockLine]) -> list[StockLine]:
    """One line per SKU, in SKU order so concurrent orders touch documents alike."""
    totals: Counter[str] = Counter()
    for line in lines:
        totals[line.sku] += line.qty
    return [StockLine(sku=sku, qty=qty) for sku, qty in sorted(totals.items())]


def available(on_hand: int, reserved: int) -> int:
    return max(0, on_hand - reserved)


def shortfall(on_hand: int, reserved: int) -> int:
    return max(0, reserved - on_hand)
