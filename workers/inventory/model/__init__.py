"""Inventory's aggregates: a SKU's stock with the holds on it, an order's reservation and its
takes, a supplier's bulk sync; and the stock arithmetic they share."""

from __future__ import annotations

from workers.inventory.model.base import Document, available, merge_lines, shortfall
from workers.inventory.model.reservation import CLOSE_KEY, Reservation, ReservationState, Take, new_attempt
from workers.inventory.model.stock import Held, Hold, StockRecord, Synced, take_mark
from workers.inventory.model.syncs import StockSync, sync_key

__all__ = [
    "CLOSE_KEY",
    "Document",
    "Held",
    "Hold",
    "Reservation",
    "ReservationState",
    "StockRecord",
    "StockSync",
    "Synced",
    "Take",
    "available",
    "merge_lines",
    "new_attempt",
    "shortfall",
    "sync_key",
    "take_mark",
]
