"""The only code that writes inventory's collections: stock with its holds, reservations, syncs."""

from __future__ import annotations

from workers.inventory.repository.stock import MongoInventoryRepository, ensure_indexes
from workers.inventory.repository.syncs import MongoStockSyncRepository

__all__ = ["MongoInventoryRepository", "MongoStockSyncRepository", "ensure_indexes"]
