"""Bulk stock sync: the inventory worker records a sync, then applies it chunk by chunk."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, Field, StrictInt

from schemas.commands import SyncStockItem
from schemas.common import Instant
from schemas.envelope import Command

CHUNK_SIZE = 500


class StartStockSync(Command):
    """Record a caller's sync once (request/reply); a different body under its id conflicts."""

    NAME: ClassVar[str] = "inventory.start_sync"
    supplier_id: str
    sync_id: str
    digest: str
    items: StrictInt = Field(ge=1, le=10_000)
    chunks: StrictInt = Field(ge=1)

    def business_key(self) -> str:
        return f"{self.supplier_id}|{self.sync_id}|{self.digest}"


class SyncRecorded(BaseModel):
    """The reply to `StartStockSync`: the sync as first recorded, with the chunks applied so far."""

    sync_id: str
    items: int
    chunks: int
    at: AwareDatetime
    done: list[int]


class ApplyStockChunk(Command):
    """One chunk of a recorded sync; every chunk carries the sync's own time, `at`."""

    NAME: ClassVar[str] = "inventory.apply_sync_chunk"
    supplier_id: str
    sync_id: str
    chunk: StrictInt = Field(ge=0)
    at: Instant
    items: list[SyncStockItem] = Field(min_length=1, max_length=CHUNK_SIZE)

    def business_key(self) -> str:
        return f"{self.supplier_id}|{self.sync_id}|{self.chunk}"
