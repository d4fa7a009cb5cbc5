"""Inventory's rules, pure: reservations per order, and supplier stock syncs."""

from __future__ import annotations

from workers.inventory.handlers.after_sale import release_units, restock
from workers.inventory.handlers.ports import InventoryRepository, StockSyncRepository
from workers.inventory.handlers.reservations import commit_stock, mark_selected, release_stock, reserve_stock
from workers.inventory.handlers.syncs import apply_stock_chunk, start_stock_sync, sync_stock

__all__ = [
    "InventoryRepository",
    "StockSyncRepository",
    "apply_stock_chunk",
    "commit_stock",
    "mark_selected",
    "release_stock",
    "release_units",
    "reserve_stock",
    "restock",
    "start_stock_sync",
    "sync_stock",
]
