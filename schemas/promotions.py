"""Requests about holiday promotions, answered by the catalog worker (request/reply)."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, StrictInt, StringConstraints

from schemas.common import MAX_FEN, Frozen, Instant, ShortText, Sku
from schemas.envelope import Command

TierName = Annotated[str, StringConstraints(min_length=1, max_length=32)]
#: A promotional price must be a real price: 0 would give goods away.
PromoFen = Annotated[StrictInt, Field(gt=0, le=MAX_FEN)]


class PromotionItem(Frozen):
    sku: Sku
    #: Partial on purpose: a tier without a promotional price pays its normal price.
    tier_prices: dict[TierName, PromoFen] = Field(min_length=1, max_length=32)


class CreatePromotion(Command):
    NAME: ClassVar[str] = "catalog.create_promotion"
    promotion_id: str
    name: ShortText
    starts_at: Instant
    ends_at: Instant
    items: list[PromotionItem] = Field(min_length=1, max_length=500)

    def business_key(self) -> str:
        return self.promotion_id


class EndPromotion(Command):
    """End a promotion at `occurred_at`; orders received from then on pay normal prices."""

    NAME: ClassVar[str] = "catalog.end_promotion"
    promotion_id: str
    actor: str = "operator"

    def business_key(self) -> str:
        return self.promotion_id
