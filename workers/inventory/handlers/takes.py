"""Takes: units leaving an order's holds under a key (a shipment, a refund's cancelled lines,
the order's close), each once however often its command comes.

The reservation records the take first (how many units, from what the order still holds),
then each SKU applies it once, noting a mark; the reservation then records it applied, and the
marks are dropped once no attempt that could still be applying it is running.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import structlog

from schemas.common import StockLine
from workers.inventory.handlers.ports import InventoryRepository
from workers.inventory.model import Reservation, Take, new_attempt, take_mark

_log = structlog.get_logger("inventory.takes")
T = TypeVar("T")


async def take_units_of(
    repo: InventoryRepository, order_key: str, key: str, lines: list[StockLine], *, shipped: bool
) -> list[Take]:
    """Take up to `lines` off the order's holds under `key`; what was taken (none if the order
    holds none of them, or was never reserved)."""
    attempt = new_attempt()
    reservation = await repo.take(order_key, key, lines, attempt)
    if reservation is None:
        return []
    return await take_units(repo, reservation, key, attempt, shipped=shipped)


async def take_units(
    repo: InventoryRepository, reservation: Reservation, key: str, attempt: str, *, shipped: bool
) -> list[Take]:
    """Apply the takes recorded under `key` that are not yet applied, then end `attempt`."""
    order_key = reservation.order_key
    takes = reservation.takes_of(key)
    await left_on_error(repo, order_key, attempt, _apply(repo, order_key, takes, shipped=shipped))
    after = await repo.finish_take(order_key, key, attempt)
    await drop_marks(repo, after)
    if after.settled:
        await repo.settle(order_key, [ln.sku for ln in after.lines])
    return takes


async def drop_marks(repo: InventoryRepository, reservation: Reservation) -> None:
    """With no attempt running, no run can apply a recorded take again: its marks may go. All of
    them, since one left by a take that ended beside another run is dropped by nobody else."""
    if reservation.attempts:
        return
    for take in reservation.taken:
        if take.applied:
            await repo.unmark(take.sku, take_mark(reservation.order_key, take.key))


async def _apply(repo: InventoryRepository, order_key: str, takes: list[Take], *, shipped: bool) -> None:
    for take in takes:
        if not take.applied:
            await repo.apply_take(take.sku, order_key, take, shipped=shipped)


async def left_on_error(repo: InventoryRepository, order_key: str, attempt: str, work: Awaitable[T]) -> T:
    """A failed attempt still ends if the store lets it, so nothing waits on it; the message's
    redelivery is a new attempt, and the marks and the idempotent changes repair the rest."""
    try:
        return await work
    except Exception:
        try:
            await repo.leave(order_key, attempt)
        except Exception:  # the store is away too: the attempt stays registered
            _log.warning("reservation.attempt_left_registered", order_key=order_key)
        raise
