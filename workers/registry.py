"""The workers a process can host, by name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from juhe.runtime import Runtime
from workers.accounts import subscribers as accounts
from workers.catalog import subscribers as catalog
from workers.coupon import subscribers as coupon
from workers.inventory import subscribers as inventory
from workers.order import subscribers as order
from workers.sales import subscribers as sales
from workers.selection import subscribers as selection
from workers.settlement import subscribers as settlement
from workers.wallet import subscribers as wallet


@dataclass(frozen=True)
class WorkerSpec:
    register: Callable[[Runtime], None]
    prepare: Callable[[Runtime], Awaitable[None]]


WORKERS: dict[str, WorkerSpec] = {
    "accounts": WorkerSpec(accounts.register, accounts.prepare),
    "catalog": WorkerSpec(catalog.register, catalog.prepare),
    "selection": WorkerSpec(selection.register, selection.prepare),
    "inventory": WorkerSpec(inventory.register, inventory.prepare),
    "wallet": WorkerSpec(wallet.register, wallet.prepare),
    "order": WorkerSpec(order.register, order.prepare),
    "settlement": WorkerSpec(settlement.register, settlement.prepare),
    "coupon": WorkerSpec(coupon.register, coupon.prepare),
    "sales": WorkerSpec(sales.register, sales.prepare),
}
