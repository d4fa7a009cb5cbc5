"""Reservations: hold all of an order's lines or none, release them, commit them on shipment."""

from __future__ import annotations

import structlog

from schemas.commands import CommitStock, ReleaseStock, ReserveStock
from schemas.common import StockLine
from schemas.envelope import Message
from schemas.events import SkuSelected, StockChanged, StockReserved
from workers.inventory.handlers.ports import InventoryRepository
from workers.inventory.model import ReservationState, merge_lines

_log = structlog.get_logger("inventory")


async def reserve_stock(cmd: ReserveStock, *, repo: InventoryRepository) -> list[Message]:
    """Hold every line or none; the stored decision answers every redelivery alike."""
    lines = merge_lines(cmd.lines)
    decision = await repo.open_reservation(cmd.order_key, lines)
    # Unknown unless this call holds: a redelivery announces its SKUs, selected or not.
    selected: list[str] | None = None
    if decision.state is ReservationState.PENDING:
        short_sku, selected = await _hold_all(repo, cmd.order_key, lines)
        if short_sku is None:
            decision = await repo.decide(cmd.order_key, ReservationState.RESERVED)
        else:
            decision = await repo.decide(
                cmd.order_key, ReservationState.REJECTED, reason="out_of_stock", sku=short_sku
            )
    if decision.closed:
        # Whoever closed it may have released before our holds landed: release again.
        await _release_all(repo, cmd.order_key, lines)
    announced = lines if selected is None else [ln for ln in lines if ln.sku in selected]
    answer = decision.outcome()
    if isinstance(answer, StockReserved) and cmd.then_debit is not None:
        answer = cmd.then_debit  # the order's next step, carried here so it need not be told first
    return [answer, *_changed_if_any(cmd.order_key, announced, "reserve")]


async def _hold_all(
    repo: InventoryRepository, order_key: str, lines: list[StockLine]
) -> tuple[str | None, list[str]]:
    """Hold line by line; the first SKU that cannot be held, and the held SKUs a shop lists."""
    selected: list[str] = []
    for line in lines:
        held = await repo.hold(line.sku, order_key, line.qty)
        if held is None:
            return line.sku, selected
        if held.selected:
            selected.append(line.sku)
    return None, selected


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


def _changed_if_any(order_key: str, lines: list[StockLine], cause: str) -> list[StockChanged]:
    return [_changed(order_key, lines, cause)] if lines else []


async def mark_selected(evt: SkuSelected, *, repo: InventoryRepository) -> list[Message]:
    """From now on the SKU's changes are announced, and the stock as it is now (a reservation
    may have gone unannounced while the selection was being made); a repeat announces again."""
    if await repo.mark_selected(evt.sku):
        cause = f"selected:{evt.sku}"
        return [StockChanged(correlation_id=evt.correlation_id, skus=[evt.sku], cause=cause)]
    return []


def _changed(order_key: str, lines: list[StockLine], cause: str) -> StockChanged:
    """Published after the effect is stored (and again on a redelivery): selections re-read stock."""
    return StockChanged(correlation_id=order_key, skus=[ln.sku for ln in lines], cause=cause)
