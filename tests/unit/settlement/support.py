"""Fakes for settlement's unit tests: the order area's reads, and messages at chosen times."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from schemas.events import ReturnedLine, ReturnReceived, SubOrderShipped
from schemas.settlement import AdjustSettlement
from workers.settlement.handlers.accruals import SettlementDeps
from workers.settlement.memory import MemorySettlement
from workers.settlement.model import Terms

#: A Monday: weekly periods start here.
MONDAY = datetime(2026, 11, 30, tzinfo=UTC)
WEEK = timedelta(days=7)
TERMS = Terms(period=WEEK, hold=WEEK)


@dataclass(frozen=True)
class Line:
    sku: str
    qty: int
    supplier_id: str | None
    unit_settlement: int | None


@dataclass(frozen=True)
class Order:
    lines: list[Line]
    charges: list[int]

    @property
    def line_charges(self) -> list[int]:
        return self.charges


@dataclass(frozen=True)
class StockLine:
    sku: str
    qty: int


@dataclass(frozen=True)
class Sub:
    supplier_id: str
    lines: list[StockLine]
    #: Set on a reship's sub-order: the original order's key.
    reship_of: str | None = None


@dataclass
class Orders:
    orders: dict[str, Order] = field(default_factory=dict)
    subs: dict[str, Sub] = field(default_factory=dict)

    async def order(self, order_key: str) -> Order | None:
        return self.orders.get(order_key)

    async def sub_order(self, sub_order_id: str) -> Sub | None:
        return self.subs.get(sub_order_id)

    def add(self, key: str, *lines: Line, charges: list[int]) -> None:
        """An order and one sub-order per supplier, `so_<key>_<supplier>`."""
        self.orders[key] = Order(list(lines), charges)
        for supplier in {line.supplier_id for line in lines if line.supplier_id}:
            mine = [StockLine(line.sku, line.qty) for line in lines if line.supplier_id == supplier]
            self.subs[f"so_{key}_{supplier}"] = Sub(supplier, mine)


def deps(orders: Orders, repo: MemorySettlement) -> SettlementDeps:
    return SettlementDeps(repo, orders, TERMS)


def shipped(key: str, supplier: str, at: datetime) -> SubOrderShipped:
    sub = f"so_{key}_{supplier}"
    return SubOrderShipped(
        correlation_id=key,
        order_key=key,
        sub_order_id=sub,
        supplier_id=supplier,
        merchant_id="m_1",
        occurred_at=at,
    )


def returned(
    return_id: str, key: str, supplier: str, at: datetime, *lines: tuple[int, str, int]
) -> ReturnReceived:
    return ReturnReceived(
        correlation_id=key,
        return_id=return_id,
        order_key=key,
        sub_order_id=f"so_{key}_{supplier}",
        supplier_id=supplier,
        lines=[ReturnedLine(line=i, sku=sku, received=n, damaged=0) for i, sku, n in lines],
        occurred_at=at,
    )


def adjustment(
    supplier: str, amount: int, reference: str, at: datetime, sub: str | None = None
) -> AdjustSettlement:
    return AdjustSettlement(
        correlation_id=supplier,
        supplier_id=supplier,
        amount=amount,
        reference=reference,
        reason="退款不退货 供应商承担",
        sub_order_id=sub,
        occurred_at=at,
    )
