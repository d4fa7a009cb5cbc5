"""Reservations: hold all of an order's lines or none, release them, commit them on shipment."""

from __future__ import annotations

import structlog

from schemas.commands import CommitStock, ReleaseStock, ReserveStock
from schemas.common import StockLine
from schemas.envelope import Message
from schemas.events import StockChanged
from workers.inventory.handlers.ports import InventoryRepository
from workers.inventory.model import ReservationState, merge_lines

_log = structlog.get_logger("inventory")


async def reserve_stock(cmd: ReserveStock, *, repo: InventoryRepository) -> list[Message]:
    """Hold every line or none; the stored decision answers every redelivery alike."""
    lines = merge_lines(cmd.lines)
    decision = await repo.open_reservation(cmd.order_key, lines)
    if decision.state is ReservationState.PENDING:
        short_sku = await _hold_all(repo, cmd.order_key, lines)
        if short_sku is None:
            decision = await repo.decide(cmd.order_key, ReservationState.RESERVED)
        else:
            decision = await repo.decide(
                cmd.order_key, ReservationState.REJECTED, reason="out_of_stock", sku=short_sku
            )
    if decision.closed:
        # Whoever closed it may have released before our holds landed: release again.
        await _release_all(repo, cmd.order_key, lines)
    return [decision.outcome(), _changed(cmd.order_key, lines, "reserve")]


async def _hold_all(repo: InventoryRepository, order_key: str, lines: list[StockLine]) -> str | None:
    """Hold line by line; the first SKU that cannot be held is returned."""
    for line in lines:
        if not await repo.hold(line.sku, order_key, line.qty):
            return line.sku
    return None


async def _release_all(repo: InventoryRepository, order_key: str, lines: list[StockLine]) -> None:
    for line in lines:
        await repo.release_hold(line.sku, order_key)


async def release_stock(cmd: ReleaseStock, *, repo: InventoryRepository) -> list[Message]:
    """Close the reservation first, so no late reserve can hold again, then drop the holds."""
    lines = merge_lines(cmd.lines)
    await repo.close_reservation(cmd.order_key)
    await _release_all(repo, cmd.order_key, lines)
    _log.info("stock.released", reason=cmd.reason, skus=[ln.sku for ln in lines])
    return [_changed(cmd.order_key, lines, "release")]


async def commit_stock(cmd: CommitStock, *, repo: InventoryRepository) -> list[Message]:
    """A shipped sub-order's units leave the warehouse (what it ships, not what lines cancelled
    before shipment still hold); a repeat finds the hold gone or its key noted."""
    for line in merge_lines(cmd.lines):
        committed = await repo.commit_hold(line.sku, cmd.order_key, line.qty, f"commit:{cmd.sub_order_id}")
        if not committed:
            _log.info("stock.commit_skipped", sku=line.sku, why="no hold (already committed)")
    return [_changed(cmd.order_key, cmd.lines, f"commit:{cmd.sub_order_id}")]


def _changed(order_key: str, lines: list[StockLine], cause: str) -> StockChanged:
    """Published after the effect is stored (and again on a redelivery): selections re-read stock."""
    return StockChanged(correlation_id=order_key, skus=[ln.sku for ln in lines], cause=cause)
