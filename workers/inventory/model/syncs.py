"""A supplier's bulk stock sync, recorded once, with the chunks applied so far."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from schemas.stock_sync import StartStockSync
from workers.inventory.model.base import Document


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
    done: list[int] = Field(default_factory=list)

    @classmethod
    def started(cls, cmd: StartStockSync, at: datetime) -> StockSync:
        fields = cmd.model_dump(include={"supplier_id", "sync_id", "digest", "items", "chunks"})
        return cls(key=sync_key(cmd.supplier_id, cmd.sync_id), at=at, **fields)

    def has_applied(self, chunk: int) -> bool:
        return chunk in self.done
