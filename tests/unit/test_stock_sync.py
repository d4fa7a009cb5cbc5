"""Chunks of a bulk stock sync: a redelivered chunk repeats nothing, chunks stand alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from juhe.outgoing import DeadLetterError
from schemas.commands import SyncStockItem
from schemas.envelope import utcnow
from schemas.stock_sync import ApplyStockChunk, StartStockSync
from tests.unit.fakes import MemoryInventory, StockRow
from workers.inventory.syncs import apply_stock_chunk, start_stock_sync


class TimedInventory(MemoryInventory):
    """Like the store: an absolute count applies only if newer than the last one applied."""

    def __init__(self) -> None:
        super().__init__()
        self.synced_at: dict[str, datetime] = {}
        self.writes = 0

    async def set_on_hand(self, sku: str, supplier_id: str, on_hand: int, at: datetime) -> bool:
        if sku in self.synced_at and self.synced_at[sku] >= at:
            return False
        self.writes += 1
        self.synced_at[sku] = at
        self.stock.setdefault(sku, StockRow(0)).on_hand = on_hand
        return True


class MemorySyncs:
    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    async def record(self, supplier_id: str, sync_id: str, doc: dict[str, Any]) -> dict[str, Any]:
        return self.docs.setdefault(f"{supplier_id}:{sync_id}", doc)

    async def get(self, supplier_id: str, sync_id: str) -> dict[str, Any] | None:
        return self.docs.get(f"{supplier_id}:{sync_id}")

    async def mark_done(self, supplier_id: str, sync_id: str, chunk: int) -> None:
        done = self.docs[f"{supplier_id}:{sync_id}"]["done"]
        if chunk not in done:
            done.append(chunk)


def start(digest: str) -> StartStockSync:
    return StartStockSync(
        correlation_id="s1", supplier_id="sup", sync_id="s1", digest=digest, items=2, chunks=2
    )


def chunk(n: int, on_hand: int, at: datetime) -> ApplyStockChunk:
    items = [SyncStockItem(sku=f"SKU-{n}", on_hand=on_hand)]
    return ApplyStockChunk(correlation_id="s1", supplier_id="sup", sync_id="s1", chunk=n, at=at, items=items)


async def test_a_repeated_start_answers_alike_and_other_items_conflict() -> None:
    syncs = MemorySyncs()
    first, _ = await start_stock_sync(start("d1"), syncs=syncs)
    again, _ = await start_stock_sync(start("d1"), syncs=syncs)
    assert first == again
    conflict, _ = await start_stock_sync(start("d2"), syncs=syncs)
    assert conflict["error"]["code"] == "conflict"


async def test_a_redelivered_chunk_changes_nothing_and_other_chunks_are_untouched() -> None:
    inventory, syncs = TimedInventory(), MemorySyncs()
    body, _ = await start_stock_sync(start("d1"), syncs=syncs)
    at = datetime.fromisoformat(body["at"])
    await apply_stock_chunk(chunk(0, 5, at), repo=inventory, syncs=syncs)
    await apply_stock_chunk(chunk(0, 5, at), repo=inventory, syncs=syncs)
    assert (inventory.writes, syncs.docs["sup:s1"]["done"]) == (1, [0])
    assert "SKU-1" not in inventory.stock

    # A crash after applying but before marking: the redelivery finds the counts already applied.
    syncs.docs["sup:s1"]["done"].clear()
    inventory.synced_at["SKU-0"] = at + timedelta(seconds=1)  # and a newer sync landed meanwhile
    inventory.stock["SKU-0"].on_hand = 9
    await apply_stock_chunk(chunk(0, 5, at), repo=inventory, syncs=syncs)
    assert (inventory.stock["SKU-0"].on_hand, inventory.writes, syncs.docs["sup:s1"]["done"]) == (9, 1, [0])


async def test_a_chunk_of_an_unrecorded_sync_is_dead_lettered() -> None:
    with pytest.raises(DeadLetterError):
        await apply_stock_chunk(chunk(0, 1, utcnow()), repo=TimedInventory(), syncs=MemorySyncs())
