"""The only code that writes inventory's collections: stock with its holds, reservations, syncs."""

from __future__ import annotations

from workers.inventory.repository.stock import MongoInventoryRepository, Settling, ensure_indexes
from workers.inventory.repository.syncs import MongoStockSyncRepository

__all__ = ["MongoInventoryRepository", "MongoStockSyncRepository", "Settling", "ensure_indexes"]
