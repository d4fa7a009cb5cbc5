"""The figures a sales fact carries and a roll-up sums: additive integers, so a roll-up is exactly
the sum of its facts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Figures(BaseModel):
    """Orders and units counted, money in fen. `margin` is derived, never stored."""

    model_config = ConfigDict(frozen=True)

    #: Orders sold (a fact counts its order in a bucket only as the order's first line there).
    orders: int = 0
    units: int = 0
    #: What the platform sold the units for: sale price times quantity (0 for a reship).
    revenue: int = 0
    #: What the merchant was charged: the tier cost less the line's share of the discount.
    cost: int = 0
    discount: int = 0
    #: Money credited back to the merchant, and the units and sale value it was for.
    refunded: int = 0
    refunded_units: int = 0
    refunded_revenue: int = 0
    shipped_units: int = 0
    #: Orders closed with nothing shipped after they were sold (a full cancellation).
    cancelled_orders: int = 0

    @property
    def margin(self) -> int:
        """The merchant's margin net of refunds: sales kept less what they cost, net of credits."""
        return self.revenue - self.refunded_revenue - self.cost + self.refunded

    def __add__(self, other: Figures) -> Figures:
        return Figures(**{name: getattr(self, name) + getattr(other, name) for name in FIGURES})

    def as_increments(self) -> dict[str, int]:
        """The non-zero figures, as a roll-up adds them."""
        return {name: value for name, value in self.model_dump().items() if value}


FIGURES: tuple[str, ...] = tuple(Figures.model_fields)
ZERO = Figures()
