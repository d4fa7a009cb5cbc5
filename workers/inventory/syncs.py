"""Bulk stock sync: record a caller's sync once, then apply it chunk by chunk.

Every chunk of a sync applies its absolute counts at the sync's own time, so re-applying a
chunk (a redelivery, or the caller repeating its sync id) finds each SKU already synced at
that time and changes nothing, and a newer sync applied meanwhile is never overwritten.
"""

from __future__ import annotations

import structlog

from juhe.outgoing import DeadLetterError
from juhe.replies import Reply, ok, refuse
from schemas.commands import SyncStock
from schemas.envelope import Message, utcnow
from schemas.stock_sync import ApplyStockChunk, StartStockSync
from workers.inventory import handlers
from workers.inventory.repository import InventoryRepository
from workers.inventory.sync_repository import SyncRepository

_log = structlog.get_logger("inventory.syncs")


async def start_stock_sync(cmd: StartStockSync, *, syncs: SyncRepository) -> Reply:
    doc = {
        "supplier_id": cmd.supplier_id,
        "sync_id": cmd.sync_id,
        "digest": cmd.digest,
        "items": cmd.items,
        "chunks": cmd.chunks,
        "at": utcnow(),
        "done": [],
    }
    stored = await syncs.record(cmd.supplier_id, cmd.sync_id, doc)
    if stored["digest"] != cmd.digest:
        return refuse("conflict", f"sync_id: {cmd.sync_id!r} was already used for different items")
    body = {k: stored[k] for k in ("sync_id", "items", "chunks", "at", "done")}
    return ok({**body, "at": stored["at"].isoformat()})


async def apply_stock_chunk(
    cmd: ApplyStockChunk, *, repo: InventoryRepository, syncs: SyncRepository
) -> list[Message]:
    sync = await syncs.get(cmd.supplier_id, cmd.sync_id)
    if sync is None:
        raise DeadLetterError(f"chunk {cmd.chunk} of an unrecorded sync {cmd.sync_id!r}")
    if cmd.chunk in sync["done"]:
        _log.info("stock.chunk_skipped", sync_id=cmd.sync_id, chunk=cmd.chunk, why="already applied")
        return []
    apply = SyncStock(
        correlation_id=cmd.correlation_id,
        supplier_id=cmd.supplier_id,
        sync_id=f"{cmd.sync_id}#{cmd.chunk}",
        items=cmd.items,
        occurred_at=cmd.at,
    )
    out = await handlers.sync_stock(apply, repo=repo)
    await syncs.mark_done(cmd.supplier_id, cmd.sync_id, cmd.chunk)
    return out
