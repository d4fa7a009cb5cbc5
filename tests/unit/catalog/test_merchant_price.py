"""A merchant is charged exactly the price its browse view shows: both come from `tier_cost`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schemas.common import OrderLineIn
from workers.catalog.model import PromotionWindow, Sku, SkuOffer
from workers.catalog.queries import MerchantSku
from workers.catalog.queries.views import merchant_sku
from workers.order.model import price_lines

START = datetime(2026, 10, 1, tzinfo=UTC)
END = START + timedelta(days=7)
SKU = Sku(
    id="SKU-A",
    product_id="prd_1",
    supplier_id="sup_1",
    specs={"颜色": "红"},
    tier_prices={"standard": 1200, "gold": 1000},
)
#: Prices `standard`, not `gold`; names `silver`, which has no normal price.
WINDOW = PromotionWindow(
    promotion_id="promo_1", starts_at=START, ends_at=END, tier_prices={"standard": 900, "silver": 800}
)


def shown_and_charged(tier: str, at: datetime) -> tuple[MerchantSku, list[dict[str, object]], str | None]:
    shown = merchant_sku(SKU, [WINDOW], tier, at, available=3)
    offer = SkuOffer.of(SKU.model_copy(update={"orderable": True}), [WINDOW], at)
    pricing = price_lines([OrderLineIn(sku=SKU.id, qty=1, unit_price=1990)], {SKU.id: offer}, tier)
    return shown, [line.model_dump() for line in pricing.lines], pricing.rejection


def browse_price(shown: MerchantSku) -> int | None:
    return shown.cost if shown.promotion is None else shown.promotion.cost


@pytest.mark.parametrize(
    ("tier", "at", "expected"),
    [
        ("standard", START + timedelta(hours=1), (900, "promo_1")),  # the promotion prices the tier
        ("standard", END, (1200, None)),  # the window is over (half-open): the normal price
        ("gold", START + timedelta(hours=1), (1000, None)),  # a tier the promotion does not name
    ],
)
def test_the_browse_shows_what_an_order_at_the_same_moment_is_charged(
    tier: str, at: datetime, expected: tuple[int, str | None]
) -> None:
    shown, lines, rejection = shown_and_charged(tier, at)
    [line] = lines
    assert rejection is None
    assert (browse_price(shown), None if shown.promotion is None else shown.promotion.id) == expected
    assert (line["unit_cost"], line.get("promotion_id")) == expected


def test_the_browse_shows_the_promotions_end_and_the_tiers_normal_price() -> None:
    shown, _, _ = shown_and_charged("standard", START)
    assert shown.model_dump() == {
        "sku": "SKU-A",
        "specs": {"颜色": "红"},
        "cost": 1200,
        "promotion": {"id": "promo_1", "cost": 900, "ends_at": END},
        "available": 3,
    }


def test_a_tier_without_a_normal_price_is_shown_no_price_and_cannot_order() -> None:
    """`silver` has a promotional price only: it is neither offered it nor charged it."""
    shown, lines, rejection = shown_and_charged("silver", START)
    assert (shown.cost, shown.promotion) == (None, None)
    assert (rejection, lines) == ("no_price_for_tier", [])
