"""After-sale stock: lines cancelled before shipment free their held units; returned undamaged
units go back on hand. Both once per key (the refund, the return), so a repeat changes nothing."""

from __future__ import annotations

import structlog

from schemas.after_sale import ReleaseStockUnits, RestockUnits
from schemas.envelope import Message
from schemas.events import StockChanged
from workers.inventory.handlers.ports import InventoryRepository
from workers.inventory.handlers.takes import take_units_of
from workers.inventory.model import merge_lines

_log = structlog.get_logger("inventory.after_sale")


async def release_units(cmd: ReleaseStockUnits, *, repo: InventoryRepository) -> list[Message]:
    lines = merge_lines(cmd.lines)
    key = f"release:{cmd.release_id}"
    if not await take_units_of(repo, cmd.order_key, key, lines, shipped=False):
        _log.info("stock.release_skipped", why="the order holds none of these units")
    return [StockChanged(correlation_id=cmd.order_key, skus=[ln.sku for ln in lines], cause=key)]


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
