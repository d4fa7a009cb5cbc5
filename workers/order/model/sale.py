"""An order's sale as the sales area counts it: the one rule for the `OrderRouted` event and for
the order's view, so the facts of an event and of a read of the order are the same."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from schemas.events import Sale, SoldLine
from workers.order.model.pricing import OrderLine, discount_shares, net_charges


class Sold(Protocol):
    """An order or its view."""

    @property
    def platform(self) -> str: ...
    @property
    def shop_id(self) -> str: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def reship(self) -> object | None: ...
    @property
    def lines(self) -> Sequence[OrderLine]: ...
    @property
    def discount(self) -> int: ...


def sale_of(order: Sold) -> Sale:
    """Each line with what the merchant was charged for it and its share of the discount
    (`discount_shares`, as `Order.line_charges`), and the category it was priced with."""
    costs = [line.cost for line in order.lines]
    charges, shares = net_charges(costs, order.discount), discount_shares(costs, order.discount)
    lines = [
        SoldLine(
            sku=line.sku,
            qty=line.qty,
            unit_price=line.unit_price,
            supplier_id=line.supplier_id or "",
            charge=charge,
            discount=share,
            category=line.category,
        )
        for line, charge, share in zip(order.lines, charges, shares, strict=True)
    ]
    return Sale(
        platform=order.platform,
        shop_id=order.shop_id,
        received_at=order.received_at,
        reship=order.reship is not None,
        lines=lines,
    )
