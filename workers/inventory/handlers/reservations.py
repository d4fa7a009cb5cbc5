"""Reservations: hold all of an order's lines or none, release them, commit them on shipment.

Every handler run is an attempt (`new_attempt`) registered on the reservation while it works,
so a reservation settles, and a take's marks are dropped, only when no run that read an older
state is still going (see `Reservation.attempts`).
"""

from __future__ import annotations

import structlog

from schemas.commands import CommitStock, ReleaseStock, ReserveStock
from schemas.common import StockLine
from schemas.envelope import Message
from schemas.events import SkuSelected, StockChanged, StockReserved
from workers.inventory.handlers.ports import InventoryRepository
from workers.inventory.handlers.takes import drop_marks, left_on_error, take_units, take_units_of
from workers.inventory.model import CLOSE_KEY, Reservation, ReservationState, merge_lines, new_attempt

_log = structlog.get_logger("inventory")


async def reserve_stock(cmd: ReserveStock, *, repo: InventoryRepository) -> list[Message]:
    """Hold every line or none; the stored decision answers every redelivery alike."""
    lines = merge_lines(cmd.lines)
    attempt = new_attempt()
    decision = await repo.open_reservation(cmd.order_key, lines, attempt)
    # Unknown unless this call holds: a redelivery announces its SKUs, selected or not.
    selected: list[str] | None = None
    if decision.state is ReservationState.PENDING:
        deciding = _decide(repo, cmd.order_key, lines, attempt)
        decision, selected = await left_on_error(repo, cmd.order_key, attempt, deciding)
    else:
        decision = await repo.leave(cmd.order_key, attempt) or decision
    if decision.closed and not decision.was_reserved:
        # Whoever closed it may have released before our holds landed: release again.
        await _release_all(repo, cmd.order_key, lines)
    if decision.settled:
        await repo.settle(cmd.order_key, [ln.sku for ln in lines])
    await drop_marks(repo, decision)  # a late run of an order's reserve may be the last to end
    announced = lines if selected is None else [ln for ln in lines if ln.sku in selected]
    answer = decision.outcome()
    if isinstance(answer, StockReserved) and cmd.then_debit is not None:
        answer = cmd.then_debit  # the order's next step, carried here so it need not be told first
    return [answer, *_changed_if_any(cmd.order_key, announced, "reserve")]


async def _decide(
    repo: InventoryRepository, order_key: str, lines: list[StockLine], attempt: str
) -> tuple[Reservation, list[str]]:
    """Hold line by line, then decide: reserved, or rejected naming the first SKU short."""
    short_sku, selected = await _hold_all(repo, order_key, lines)
    if short_sku is None:
        decision = await repo.decide(order_key, attempt, ReservationState.RESERVED)
    else:
        decision = await repo.decide(
            order_key, attempt, ReservationState.REJECTED, reason="out_of_stock", sku=short_sku
        )
    return decision, selected


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
    """Close the reservation first, so no late reserve can hold again, then give the holds back:
    a reserved order's by takes of what it still holds, any other's by dropping its holds."""
    lines = merge_lines(cmd.lines)
    attempt = new_attempt()
    closed = await repo.close_reservation(cmd.order_key, attempt)
    if closed.was_reserved:
        await take_units(repo, closed, CLOSE_KEY, attempt, shipped=False)
    else:
        await left_on_error(repo, cmd.order_key, attempt, _release_all(repo, cmd.order_key, lines))
        await repo.leave(cmd.order_key, attempt)
    _log.info("stock.released", reason=cmd.reason, skus=[ln.sku for ln in lines])
    return [_changed(cmd.order_key, lines, "release")]


async def commit_stock(cmd: CommitStock, *, repo: InventoryRepository) -> list[Message]:
    """A shipped sub-order's units leave the warehouse (what it ships, not what lines cancelled
    before shipment still hold); a repeat finds the take recorded and applied."""
    key = f"commit:{cmd.sub_order_id}"
    takes = await take_units_of(repo, cmd.order_key, key, merge_lines(cmd.lines), shipped=True)
    if not takes:
        _log.info("stock.commit_skipped", why="the order holds none of these units")
    return [_changed(cmd.order_key, cmd.lines, key)]


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
