"""After-sale stock: lines cancelled before shipment free their held units; returned undamaged
units go back on hand. Both once per key (the refund, the return), so a repeat changes nothing."""

from __future__ import annotations

import structlog

from schemas.after_sale import ReleaseStockUnits, RestockUnits
from schemas.envelope import Message
from schemas.events import StockChanged
from workers.inventory.handlers.ports import InventoryRepository
from workers.inventory.model import merge_lines

_log = structlog.get_logger("inventory.after_sale")


async def release_units(cmd: ReleaseStockUnits, *, repo: InventoryRepository) -> list[Message]:
    lines = merge_lines(cmd.lines)
    for line in lines:
        if not await repo.release_part(line.sku, cmd.order_key, line.qty, f"release:{cmd.release_id}"):
            _log.info("stock.release_skipped", sku=line.sku, why="no hold, or released before")
    return [
        StockChanged(
            correlation_id=cmd.order_key, skus=[ln.sku for ln in lines], cause=f"release:{cmd.release_id}"
        )
    ]


async def restock(cmd: RestockUnits, *, repo: InventoryRepository) -> list[Message]:
    lines = merge_lines(cmd.lines)
    for line in lines:
        if not await repo.restock(line.sku, cmd.restock_id, line.qty):
            _log.info("stock.restock_skipped", sku=line.sku, why="restocked before, or unknown SKU")
    return [
        StockChanged(
            correlation_id=cmd.restock_id, skus=[ln.sku for ln in lines], cause=f"restock:{cmd.restock_id}"
        )
    ]
