"""Pricing an order at the merchant's tier: each line at its cost, or the order is refused."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Protocol

from pydantic import BaseModel

from schemas.common import OrderLineIn
from workers.order.model.fields import Omitted


class OrderLine(BaseModel):
    """A line as ordered, priced at the tier's cost; a line of an order refused at pricing has
    no cost or supplier."""

    sku: str
    qty: int
    unit_price: int
    unit_cost: Annotated[int | None, Omitted] = None
    supplier_id: Annotated[str | None, Omitted] = None
    promotion_id: Annotated[str | None, Omitted] = None
    #: What the supplier is paid per unit, as the SKU said when the order was priced; None when
    #: the SKU had no settlement price yet (settlement flags the sub-order).
    unit_settlement: Annotated[int | None, Omitted] = None
    #: Its product's category as the SKU said when the order was priced (sales counts the line
    #: in it); None on orders priced before lines carried it, or for a product without one.
    category: Annotated[str | None, Omitted] = None

    @classmethod
    def unpriced(cls, line: OrderLineIn) -> OrderLine:
        return cls(sku=line.sku, qty=line.qty, unit_price=line.unit_price)

    @property
    def cost(self) -> int:
        return self.qty * (self.unit_cost or 0)


class Offer(Protocol):
    """What order pricing needs of a SKU as the catalog sells it (catalog's `SkuOffer`)."""

    @property
    def supplier_id(self) -> str: ...
    @property
    def orderable(self) -> bool: ...
    @property
    def settlement_price(self) -> int | None: ...
    @property
    def category(self) -> str | None: ...
    def unit_cost(self, tier: str) -> tuple[int, str | None] | None:
        """The tier's cost and the promotion pricing it, if any; None when the tier cannot buy it."""
        ...


@dataclass(frozen=True)
class Pricing:
    lines: list[OrderLine] = field(default_factory=list)
    rejection: str | None = None
    bad_sku: str | None = None

    @property
    def total_cost(self) -> int:
        return sum(line.cost for line in self.lines)


def discount_shares(costs: Sequence[int], discount: int) -> list[int]:
    """A discount split over lines in proportion to their cost, in whole fen, the remainder on
    the last line: the one rule for each line's share of an order's charge.

    No line's share passes its cost: a remainder larger than the last line (a cheap last line
    under a near-total discount) spills back onto the earlier lines, first line first.
    """
    total = sum(costs)
    if not costs or total == 0 or discount == 0:
        return [0 for _ in costs]
    if not 0 < discount <= total:
        raise ValueError(f"a discount of {discount} fen on {total} fen of cost")
    shares = [discount * cost // total for cost in costs[:-1]]
    remainder = discount - sum(shares)
    shares.append(min(remainder, costs[-1]))
    spill = remainder - shares[-1]
    for i, cost in enumerate(costs[:-1]):
        take = min(spill, cost - shares[i])
        shares[i] += take
        spill -= take
    return shares


def net_charges(costs: Sequence[int], discount: int) -> list[int]:
    """What the merchant pays for each line: its cost less its share of the discount."""
    return [cost - share for cost, share in zip(costs, discount_shares(costs, discount), strict=True)]


def price_lines(lines: list[OrderLineIn], offers: Mapping[str, Offer], tier: str) -> Pricing:
    """Each line at the tier's cost as the catalog's one price rule gives it (promotional while a
    promotion prices the tier); an unknown or unlisted SKU, or one the tier cannot buy, rejects
    the order."""
    priced: list[OrderLine] = []
    for line in lines:
        offer = offers.get(line.sku)
        if offer is None or not offer.orderable:
            return Pricing(rejection="unknown_sku", bad_sku=line.sku)
        if (cost := offer.unit_cost(tier)) is None:
            return Pricing(rejection="no_price_for_tier", bad_sku=line.sku)
        unit_cost, promotion_id = cost
        priced.append(
            OrderLine(
                sku=line.sku,
                qty=line.qty,
                unit_price=line.unit_price,
                unit_cost=unit_cost,
                supplier_id=offer.supplier_id,
                promotion_id=promotion_id,
                unit_settlement=offer.settlement_price,
                category=offer.category,
            )
        )
    return Pricing(lines=priced)
