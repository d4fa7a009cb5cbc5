"""Supplier stock syncs: absolute counts at the sync's time; a redelivered chunk writes nothing
again but announces the same change, chunks stand alone, an older sync never rolls back a newer one."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from juhe.outgoing import DeadLetterError
from schemas.commands import ReserveStock, SyncStock, SyncStockItem
from schemas.common import StockLine
from schemas.envelope import utcnow
from schemas.events import StockChanged
from schemas.stock_sync import ApplyStockChunk, StartStockSync
from workers.inventory import handlers
from workers.inventory.handlers import apply_stock_chunk, start_stock_sync
from workers.inventory.memory import MemoryInventory, MemoryStockSyncs
from workers.inventory.model import Synced, shortfall


class CountingInventory(MemoryInventory):
    """Counts the on-hand counts actually written."""

    def __init__(self, **on_hand: int) -> None:
        super().__init__(**on_hand)
        self.writes = 0

    async def set_on_hand(self, sku: str, supplier_id: str, on_hand: int, at: datetime) -> Synced:
        before = self.stock.get(sku)
        synced = await super().set_on_hand(sku, supplier_id, on_hand, at)
        self.writes += 0 if self.stock.get(sku) is before else 1
        return synced


def start(digest: str) -> StartStockSync:
    return StartStockSync(
        correlation_id="s1", supplier_id="sup", sync_id="s1", digest=digest, items=2, chunks=2
    )


def chunk(n: int, on_hand: int, at: datetime) -> ApplyStockChunk:
    items = [SyncStockItem(sku=f"SKU-{n}", on_hand=on_hand)]
    return ApplyStockChunk(correlation_id="s1", supplier_id="sup", sync_id="s1", chunk=n, at=at, items=items)


def sync(at: datetime, **on_hand: int) -> SyncStock:
    items = [SyncStockItem(sku=sku, on_hand=qty) for sku, qty in on_hand.items()]
    return SyncStock(correlation_id="s", supplier_id="sup", sync_id="s", items=items, occurred_at=at)


async def test_a_repeated_start_answers_alike_and_other_items_conflict() -> None:
    syncs = MemoryStockSyncs()
    first, _ = await start_stock_sync(start("d1"), syncs=syncs)
    again, _ = await start_stock_sync(start("d1"), syncs=syncs)
    assert first == again
    conflict, _ = await start_stock_sync(start("d2"), syncs=syncs)
    assert conflict["error"]["code"] == "conflict"


async def test_a_redelivered_chunk_changes_nothing_and_other_chunks_are_untouched() -> None:
    inventory, syncs = CountingInventory(), MemoryStockSyncs()
    body, _ = await start_stock_sync(start("d1"), syncs=syncs)
    at = datetime.fromisoformat(body["at"])
    await apply_stock_chunk(chunk(0, 5, at), repo=inventory, syncs=syncs)
    await apply_stock_chunk(chunk(0, 5, at), repo=inventory, syncs=syncs)
    assert (inventory.writes, syncs.syncs["sup:s1"].done) == (1, [0])
    assert "SKU-1" not in inventory.stock

    # A crash after applying but before marking: the redelivery finds the counts already applied.
    syncs.syncs["sup:s1"] = syncs.syncs["sup:s1"].model_copy(update={"done": []})
    # And a newer sync landed meanwhile.
    inventory.stock["SKU-0"] = inventory.stock["SKU-0"].synced("sup", 9, at + timedelta(seconds=1))
    await apply_stock_chunk(chunk(0, 5, at), repo=inventory, syncs=syncs)
    assert (inventory.stock["SKU-0"].on_hand, inventory.writes, syncs.syncs["sup:s1"].done) == (9, 1, [0])


async def test_a_chunk_repeated_after_a_crash_before_its_publish_announces_the_same_change() -> None:
    """Regression: a chunk marked done was skipped when redelivered, so the StockChanged a crash
    before the publish had lost was never sent, nor the SKU it created reported as new."""
    inventory, syncs = CountingInventory(), MemoryStockSyncs()
    body, _ = await start_stock_sync(start("d1"), syncs=syncs)
    at = datetime.fromisoformat(body["at"])
    first = await apply_stock_chunk(chunk(0, 5, at), repo=inventory, syncs=syncs)
    again = await apply_stock_chunk(chunk(0, 5, at), repo=inventory, syncs=syncs)
    announced = [(m.message_id, m.skus, m.created) for m in first if isinstance(m, StockChanged)]
    assert announced == [(first[0].message_id, ["SKU-0"], ["SKU-0"])]
    assert [(m.message_id, m.skus, m.created) for m in again if isinstance(m, StockChanged)] == announced
    assert (inventory.writes, inventory.stock["SKU-0"].on_hand, syncs.syncs["sup:s1"].done) == (1, 5, [0])


async def test_a_repeated_sync_reports_the_skus_it_created_and_a_later_one_does_not() -> None:
    repo = CountingInventory(A=5)
    at = utcnow()
    first = await handlers.sync_stock(sync(at, A=2, NEW=7), repo=repo)
    again = await handlers.sync_stock(sync(at, A=2, NEW=7), repo=repo)
    later = await handlers.sync_stock(sync(at + timedelta(seconds=1), A=1, NEW=6), repo=repo)
    created = [m.created for m in (*first, *again, *later) if isinstance(m, StockChanged)]
    assert created == [["NEW"], ["NEW"], []]
    assert (repo.writes, repo.stock["NEW"].on_hand, repo.stock["A"].on_hand) == (4, 6, 1)


async def test_a_chunk_of_an_unrecorded_sync_is_dead_lettered() -> None:
    with pytest.raises(DeadLetterError):
        await apply_stock_chunk(chunk(0, 1, utcnow()), repo=CountingInventory(), syncs=MemoryStockSyncs())


async def test_the_answer_to_a_start_is_the_sync_as_recorded() -> None:
    syncs = MemoryStockSyncs()
    body, follow_ups = await start_stock_sync(start("d1"), syncs=syncs)
    recorded = syncs.syncs["sup:s1"]
    assert body == {"sync_id": "s1", "items": 2, "chunks": 2, "at": body["at"], "done": []}
    assert (datetime.fromisoformat(body["at"]), recorded.digest, follow_ups) == (recorded.at, "d1", [])


async def test_a_sync_sets_absolute_counts_and_announces_the_skus() -> None:
    repo = MemoryInventory(A=5)
    out = await handlers.sync_stock(sync(utcnow(), A=2, NEW=7), repo=repo)
    assert out == [
        StockChanged(
            correlation_id="s",
            skus=["A", "NEW"],
            cause="sync",
            created=["NEW"],
            occurred_at=out[0].occurred_at,
        )
    ]
    assert [(r.on_hand, r.reserved, r.available) for r in (repo.stock["A"], repo.stock["NEW"])] == [
        (2, 0, 2),
        (7, 0, 7),
    ]


async def test_a_sync_below_what_is_reserved_shows_a_shortfall_not_negative_stock() -> None:
    repo = MemoryInventory(A=5)
    order = ReserveStock(correlation_id="o1", order_key="o1", lines=[StockLine(sku="A", qty=4)])
    await handlers.reserve_stock(order, repo=repo)
    await handlers.sync_stock(sync(utcnow(), A=1), repo=repo)
    record = repo.stock["A"]
    assert (record.on_hand, record.reserved, record.available) == (1, 4, 0)
    assert shortfall(record.on_hand, record.reserved) == 3
    assert record.violations() == []


async def test_an_older_sync_cannot_roll_back_a_newer_one() -> None:
    repo = CountingInventory(A=5)
    newer = utcnow()
    await handlers.sync_stock(sync(newer, A=8), repo=repo)
    out = await handlers.sync_stock(sync(newer - timedelta(seconds=1), A=3), repo=repo)
    await handlers.sync_stock(sync(newer, A=3), repo=repo)  # the same time is not newer either
    assert out == [StockChanged(correlation_id="s", skus=["A"], cause="sync", occurred_at=out[0].occurred_at)]
    assert (repo.stock["A"].on_hand, repo.stock["A"].synced_at, repo.writes) == (8, newer, 1)


async def test_a_chunk_older_than_the_stock_applies_nothing_but_is_marked_done() -> None:
    """A late chunk of an old sync is done (nothing left to apply), not retried forever."""
    inventory, syncs = CountingInventory(), MemoryStockSyncs()
    body, _ = await start_stock_sync(start("d1"), syncs=syncs)
    at = datetime.fromisoformat(body["at"])
    await handlers.sync_stock(sync(at + timedelta(seconds=1), **{"SKU-0": 9}), repo=inventory)
    await apply_stock_chunk(chunk(0, 5, at), repo=inventory, syncs=syncs)
    assert (inventory.stock["SKU-0"].on_hand, inventory.writes, syncs.syncs["sup:s1"].done) == (9, 1, [0])
