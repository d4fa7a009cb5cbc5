"""The invariants of DESIGN.md, checked across every worker's collections at a quiet moment."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from workers.inventory.queries import InventoryQueries
from workers.order.queries import OrderQueries
from workers.order.reship_queries import ReshipQueries
from workers.sales.queries import SalesQueries
from workers.wallet.queries import WalletQueries

Db = AsyncDatabase[dict[str, Any]]


async def audit(db: Db) -> list[str]:
    """Every violation found, as a readable line; an empty list means all invariants hold."""
    return [
        *await _stock(db),
        *await _wallets(db),
        *await _orders(db),
        *await _reships(db),
        *await _sales(db),
    ]


async def _stock(db: Db) -> list[str]:
    mismatches = await InventoryQueries(db).reservation_mismatches()
    return [f"stock {m.sku}: {problem}" for m in mismatches for problem in m.problems]


async def _wallets(db: Db) -> list[str]:
    mismatches = await WalletQueries(db).ledger_mismatches()
    return [f"wallet {m.merchant_id}: {problem}" for m in mismatches for problem in m.problems]


async def _orders(db: Db) -> list[str]:
    mismatches = await OrderQueries(db).routing_mismatches()
    return [f"order {key}: sub-orders do not cover its lines exactly once" for key in mismatches]


async def _reships(db: Db) -> list[str]:
    """Reships linked both ways; per SKU, an order's open reships never pass what it shipped."""
    return await ReshipQueries(db).mismatches()


async def _sales(db: Db) -> list[str]:
    return [f"sales roll-up {line}" for line in await SalesQueries(db).rollup_mismatches()]
