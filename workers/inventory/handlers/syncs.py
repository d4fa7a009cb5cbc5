"""Supplier stock syncs: absolute counts per SKU, and bulk syncs recorded once, applied by chunk.

Every chunk of a bulk sync applies its absolute counts at the sync's own time, so re-applying a
chunk (a redelivery, or the caller repeating its sync id) finds each SKU already synced at
that time and changes nothing, and a newer sync applied meanwhile is never overwritten.
"""

from __future__ import annotations

import structlog

from juhe.outgoing import DeadLetterError
from juhe.replies import Reply, ok, refuse
from schemas.commands import SyncStock
from schemas.envelope import Message, utcnow
from schemas.events import StockChanged
from schemas.stock_sync import ApplyStockChunk, StartStockSync, SyncRecorded
from workers.inventory.handlers.ports import InventoryRepository, StockSyncRepository
from workers.inventory.model import StockSync, Synced

_log = structlog.get_logger("inventory.syncs")


async def sync_stock(cmd: SyncStock, *, repo: InventoryRepository) -> list[Message]:
    """Set absolute on-hand counts; reservations are kept, shortfalls are reported."""
    stale = 0
    created: list[str] = []
    for item in cmd.items:
        synced = await repo.set_on_hand(item.sku, cmd.supplier_id, item.on_hand, cmd.occurred_at)
        stale += 1 if synced is Synced.STALE else 0
        created += [item.sku] if synced is Synced.CREATED else []
    _log.info("stock.synced", items=len(cmd.items), stale=stale, sync_id=cmd.sync_id)
    skus = [i.sku for i in cmd.items]
    return [StockChanged(correlation_id=cmd.sync_id, skus=skus, cause="sync", created=created)]


async def start_stock_sync(cmd: StartStockSync, *, syncs: StockSyncRepository) -> Reply:
    """Record the sync once; the same sync id with other items is a conflict."""
    stored = await syncs.record(StockSync.started(cmd, at=utcnow()))
    if stored.digest != cmd.digest:
        return refuse("conflict", f"sync_id: {cmd.sync_id!r} was already used for different items")
    recorded = SyncRecorded(
        sync_id=stored.sync_id, items=stored.items, chunks=stored.chunks, at=stored.at, done=stored.done
    )
    return ok(recorded.model_dump(mode="json"))


async def apply_stock_chunk(
    cmd: ApplyStockChunk, *, repo: InventoryRepository, syncs: StockSyncRepository
) -> list[Message]:
    sync = await syncs.get(cmd.supplier_id, cmd.sync_id)
    if sync is None:
        raise DeadLetterError(f"chunk {cmd.chunk} of an unrecorded sync {cmd.sync_id!r}")
    # Applied again even if marked done: a crash after the mark and before the publish must not
    # lose the chunk's StockChanged, and each count changes nothing the second time.
    apply = SyncStock(
        correlation_id=cmd.correlation_id,
        supplier_id=cmd.supplier_id,
        sync_id=f"{cmd.sync_id}#{cmd.chunk}",
        items=cmd.items,
        occurred_at=cmd.at,
    )
    out = await sync_stock(apply, repo=repo)
    await syncs.mark_done(cmd.supplier_id, cmd.sync_id, cmd.chunk)
    return out
