"""The invariants of DESIGN.md, checked across every worker's collections at a quiet moment."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from workers.coupon.queries import CouponQueries
from workers.inventory.queries import InventoryQueries
from workers.order.queries import OrderQueries
from workers.order.refunds_queries import RefundQueries
from workers.order.reship_queries import ReshipQueries
from workers.sales.queries import SalesQueries
from workers.settlement.queries import SettlementQueries
from workers.wallet.queries import WalletQueries

Db = AsyncDatabase[dict[str, Any]]


async def audit(db: Db) -> list[str]:
    """Every violation found, as a readable line; an empty list means all invariants hold."""
    checks = (_stock, _wallets, _orders, _reships, _payables, _after_sale, _coupons, _sales)
    return [problem for check in checks for problem in await check(db)]


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


async def _payables(db: Db) -> list[str]:
    """Payables = Σ shipped - Σ reversed + Σ adjusted; each statement's total = Σ its lines."""
    return [f"settlement {problem}" for problem in await SettlementQueries(db).payable_mismatches()]


async def _after_sale(db: Db) -> list[str]:
    """Σ refund credits per order ≤ charged; restocked units = Σ received undamaged; no unit
    both shipped and cancelled."""
    refunds = RefundQueries(db)
    problems = [*await refunds.credit_overruns(), *await refunds.shipped_cancellations()]
    problems += await refunds.after_sale_routing_mismatches()
    restocked, received = await InventoryQueries(db).restocked(), await refunds.received_undamaged()
    for sku in sorted(set(restocked) | set(received)):
        if restocked[sku] != received[sku]:
            problems.append(f"stock {sku}: restocked {restocked[sku]} != received undamaged {received[sku]}")
    return problems


async def _coupons(db: Db) -> list[str]:
    """The coupon invariants, and every used coupon's order carrying that coupon and discount."""
    problems = await CouponQueries(db).violations()
    orders = OrderQueries(db)
    for order_key, (coupon_id, discount) in (await CouponQueries(db).used_by_order()).items():
        order = await orders.order(order_key)
        if order is None or (order.coupon_id, order.discount) != (coupon_id, discount):
            problems.append(
                f"coupon {coupon_id}: used by {order_key} for {discount}, which the order does not show"
            )
    return problems


async def _sales(db: Db) -> list[str]:
    return [f"sales roll-up {line}" for line in await SalesQueries(db).rollup_mismatches()]
