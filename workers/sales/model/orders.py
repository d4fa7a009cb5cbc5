"""The order as sales counts it, from what carries it: the `Sale` of its routing (the event, or
the order's view, both built by the order's one rule) or its own sold facts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from schemas.events import Sale, SoldLine
from workers.sales.model.facts import FactKind, SaleFact, SaleLine, SoldOrder

#: The category of a line whose product has none.
UNCATEGORIZED = "uncategorized"


def unknown_categories(sale: Sale) -> list[str]:
    """The SKUs of lines that do not know their category (priced before lines carried it)."""
    return sorted({line.sku for line in sale.lines if line.category is None})


def sale_line(line: SoldLine, categories: Mapping[str, str]) -> SaleLine:
    """A line as sales counts it: its own category, else the catalog's (`categories`)."""
    category = line.category or categories.get(line.sku, UNCATEGORIZED)
    return SaleLine(
        sku=line.sku,
        qty=line.qty,
        unit_price=line.unit_price,
        supplier_id=line.supplier_id,
        category=category,
        charge=line.charge,
        discount=line.discount,
    )


def sold_order(
    order_key: str, merchant_id: str, sale: Sale, categories: Mapping[str, str], *, routed: bool = True
) -> SoldOrder:
    return SoldOrder(
        order_key=order_key,
        platform=sale.platform,
        shop_id=sale.shop_id,
        merchant_id=merchant_id,
        sold_at=sale.received_at,
        lines=[sale_line(line, categories) for line in sale.lines],
        reship=sale.reship,
        routed=routed,
    )


def sold_order_of_facts(facts: Sequence[SaleFact]) -> SoldOrder | None:
    """The order as its sold facts stored it (routed, by definition); None unless every line's
    sold fact is there and carries what a later fact needs (facts stored before they did don't)."""
    sold = sorted((f for f in facts if f.kind is FactKind.SOLD), key=lambda f: f.line)
    if not sold or any(f.unit_price is None or f.order_lines != len(sold) for f in sold):
        return None
    if [f.line for f in sold] != list(range(len(sold))):
        return None
    first = sold[0]
    lines = [
        SaleLine(
            sku=f.sku,
            qty=f.figures.units,
            unit_price=f.unit_price or 0,
            supplier_id=f.supplier,
            category=f.category,
            charge=f.figures.cost,
            discount=f.figures.discount,
            settlement=f.settlement,
        )
        for f in sold
    ]
    return SoldOrder(
        order_key=first.order_key,
        platform=first.platform,
        shop_id=first.shop,
        merchant_id=first.merchant,
        sold_at=first.sold_at,
        lines=lines,
        reship=first.reship,
    )
