"""Sales facts: what one order line contributes, fact by fact, from the order's events. A fact is
derived from the order as it was routed only, so a repeated event derives the very same fact
(same id, same figures) and the store keeps it once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from schemas.events import RefundedLine
from workers.sales.model.buckets import DIMS, identity
from workers.sales.model.figures import Figures

#: A fact not yet added to the roll-ups; applied facts carry the roll-up batch that added them.
PENDING = 0


class FactKind(StrEnum):
    SOLD = "sold"
    SHIPPED = "shipped"
    REFUNDED = "refunded"
    CLOSED = "closed"


class SaleLine(BaseModel):
    """An order line as sales sees it; `charge` and `discount` come from the order's own rule."""

    sku: str
    qty: int
    unit_price: int
    supplier_id: str
    category: str
    charge: int
    discount: int
    settlement: int | None = None


class SoldOrder(BaseModel):
    order_key: str
    platform: str
    shop_id: str
    merchant_id: str
    #: When the platform sold it: every fact of the order falls in this hour and day.
    sold_at: datetime
    lines: list[SaleLine]
    #: A replacement (补单): its units and cost count, its revenue and order count do not.
    reship: bool = False
    #: It was routed (paid and split by supplier; its log says so): only then was anything sold.
    routed: bool = True


class SaleFact(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(alias="_id")
    kind: FactKind
    order_key: str
    line: int
    sold_at: datetime
    platform: str
    shop: str
    merchant: str
    supplier: str
    sku: str
    category: str
    figures: Figures
    #: The roll-up dimensions in which this fact counts its order (its first line there).
    firsts: list[str] = Field(default_factory=list)
    refund_kind: str | None = None
    #: The supplier's settlement cost of the line, once settlement prices exist.
    settlement: int | None = None
    reship: bool = False
    #: On sold facts: the line's sale price and the order's line count, so the order's later
    #: facts derive from its sold facts without reading the order (`sold_order_of_facts`).
    unit_price: int | None = None
    order_lines: int | None = None
    batch: int = PENDING
    #: When the event was published, the fact stored, and its batch rolled up: the delays.
    event_at: datetime | None = None
    stored_at: datetime | None = None
    applied_at: datetime | None = None

    def figures_in(self, dim: str) -> Figures:
        """What the fact adds to a bucket of `dim`: order counts only where it is the first line."""
        if dim in self.firsts:
            return self.figures
        return self.figures.model_copy(update={"orders": 0, "cancelled_orders": 0})


def _fact(order: SoldOrder, kind: FactKind, fact_id: str, index: int, figures: Figures) -> SaleFact:
    line = order.lines[index]
    return SaleFact(
        id=fact_id,
        kind=kind,
        order_key=order.order_key,
        line=index,
        sold_at=order.sold_at,
        platform=order.platform,
        shop=order.shop_id,
        merchant=order.merchant_id,
        supplier=line.supplier_id,
        sku=line.sku,
        category=line.category,
        figures=figures,
        settlement=line.settlement,
        reship=order.reship,
    )


def _with_firsts(facts: list[SaleFact]) -> list[SaleFact]:
    """Mark, per dimension, the first fact of each bucket identity: it alone counts the order."""
    seen: set[tuple[str, tuple[str | None, ...]]] = set()
    marked = []
    for fact in facts:
        firsts = [dim for dim in DIMS if (dim, identity(dim, fact)) not in seen]
        seen |= {(dim, identity(dim, fact)) for dim in firsts}
        marked.append(fact.model_copy(update={"firsts": firsts}))
    return marked


def sold_facts(order: SoldOrder) -> list[SaleFact]:
    """The order's sale, line by line: units, revenue at the platform's price, cost charged."""
    facts = []
    for i, line in enumerate(order.lines):
        figures = Figures(
            orders=0 if order.reship else 1,
            units=line.qty,
            revenue=0 if order.reship else line.unit_price * line.qty,
            cost=line.charge,
            discount=line.discount,
        )
        fact = _fact(order, FactKind.SOLD, f"sold|{order.order_key}|{i}", i, figures)
        facts.append(fact.model_copy(update={"unit_price": line.unit_price, "order_lines": len(order.lines)}))
    return facts if order.reship else _with_firsts(facts)


def shipped_facts(order: SoldOrder, sub_order_id: str, supplier_id: str) -> list[SaleFact]:
    """The units of one supplier's sub-order that left the warehouse."""
    return [
        _fact(order, FactKind.SHIPPED, f"shipped|{sub_order_id}|{i}", i, Figures(shipped_units=line.qty))
        for i, line in enumerate(order.lines)
        if line.supplier_id == supplier_id
    ]


def refunded_facts(order: SoldOrder, credit_id: str, kind: str, lines: list[RefundedLine]) -> list[SaleFact]:
    """One credit of a refund, by line: the money back, and the units and sale value it was for.
    A line the order does not have is skipped (nothing can be attributed to it)."""
    facts = []
    for j, refunded in enumerate(lines):
        if refunded.line >= len(order.lines):
            continue
        line = order.lines[refunded.line]
        sale_value = 0 if order.reship else line.unit_price * refunded.qty
        figures = Figures(refunded=refunded.amount, refunded_units=refunded.qty, refunded_revenue=sale_value)
        fact = _fact(order, FactKind.REFUNDED, f"refund|{credit_id}|{j}", refunded.line, figures)
        facts.append(fact.model_copy(update={"refund_kind": kind}))
    return facts


def closed_facts(order: SoldOrder) -> list[SaleFact]:
    """A sold order closed with nothing shipped (cancelled in full): counted once per bucket."""
    facts = [
        _fact(order, FactKind.CLOSED, f"closed|{order.order_key}|{i}", i, Figures(cancelled_orders=1))
        for i in range(len(order.lines))
    ]
    return _with_firsts(facts)
