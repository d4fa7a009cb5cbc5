"""Bulk stock sync (`PUT /v1/supplier/inventory`): recorded once per sync id, applied in chunks.

The edge checks the items, asks inventory to record the sync (a different body under the
same sync id is 409), then publishes the chunks not applied yet. A caller repeating its sync
id gets the same answer and, since applied chunks are skipped, no second effect; it also
repairs a call cut short after the sync was recorded.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Supplier
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from schemas.commands import SyncStockItem
from schemas.stock_sync import CHUNK_SIZE, ApplyStockChunk, StartStockSync, SyncRecorded
from workers.catalog.queries import CatalogQueries
from workers.inventory.queries import InventoryQueries, SyncProgress

router = APIRouter(prefix="/v1", tags=["catalog"])
SyncId = Field(default=None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$")


class InventoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[SyncStockItem] = Field(min_length=1, max_length=10_000)
    sync_id: str | None = SyncId


def digest(items: list[SyncStockItem]) -> str:
    canonical = json.dumps([[item.sku, item.on_hand] for item in items], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def check_items(edge: Edge, supplier_id: str, items: list[SyncStockItem]) -> None:
    """422 naming the first item that is not one of the supplier's SKUs, or repeats one."""
    codes = [item.sku for item in items]
    owned = await CatalogQueries(edge.db).owned_skus(supplier_id, codes)
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if code not in owned:
            raise ApiError(422, "invalid_field", f"items.{i}.sku: no SKU {code!r} of yours")
        if code in seen:
            raise ApiError(422, "invalid_field", f"items.{i}.sku: {code!r} appears twice")
        seen.add(code)


class SyncAccepted(BaseModel):
    """The sync is recorded; its chunks not applied yet are queued."""

    sync_id: str
    items: int
    chunks: int


@router.put("/supplier/inventory", status_code=202, responses=errors(409, 422, 503))
async def sync_inventory(body: InventoryIn, edge: Edge, caller: Supplier) -> SyncAccepted:
    assert caller.id is not None
    await check_items(edge, caller.id, body.items)
    sync_id = body.sync_id or f"sync_{secrets.token_hex(8)}"
    chunks = [body.items[i : i + CHUNK_SIZE] for i in range(0, len(body.items), CHUNK_SIZE)]
    start = StartStockSync(
        correlation_id=sync_id,
        supplier_id=caller.id,
        sync_id=sync_id,
        digest=digest(body.items),
        items=len(body.items),
        chunks=len(chunks),
    )
    recorded = SyncRecorded.model_validate(await edge.ask(start))
    for n, items in enumerate(chunks):
        if n not in recorded.done:
            chunk = ApplyStockChunk(
                correlation_id=sync_id,
                supplier_id=caller.id,
                sync_id=sync_id,
                chunk=n,
                at=recorded.at,
                items=items,
            )
            await edge.publish(chunk)
    return SyncAccepted(sync_id=sync_id, items=len(body.items), chunks=len(chunks))


class SyncStatus(SyncProgress):
    status: Literal["running", "done"]


@router.get("/supplier/inventory/syncs/{sync_id}", responses=errors(404))
async def sync_progress(sync_id: str, edge: Edge, caller: Supplier) -> SyncStatus:
    assert caller.id is not None
    progress = await InventoryQueries(edge.db).sync_progress(caller.id, sync_id)
    if progress is None:
        raise not_found("sync")
    done = progress.chunks_done == progress.chunks
    return SyncStatus(**progress.model_dump(), status="done" if done else "running")
