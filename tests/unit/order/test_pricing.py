"""Pricing at the order's receipt: a promotion's tier price inside its window, normal outside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schemas.common import OrderLineIn
from schemas.events import Sale, SoldLine
from workers.catalog.queries import PromotionWindow, SkuOffer
from workers.order.memory import MemoryCatalog
from workers.order.model import OrderLine, Pricing, discount_shares, price_lines, sale_of
from workers.order.model.pricing import net_charges

START = datetime(2026, 10, 1, tzinfo=UTC)
END = START + timedelta(days=7)
NORMAL = {"standard": 1200, "gold": 1000}


@pytest.fixture
def catalog() -> MemoryCatalog:
    memory = MemoryCatalog()
    memory.skus["SKU-A"] = SkuOffer("SKU-A", "sup_1", True, NORMAL)
    memory.skus["SKU-B"] = SkuOffer("SKU-B", "sup_1", True, NORMAL)
    memory.windows["SKU-A"] = [
        PromotionWindow(
            promotion_id="promo_1", starts_at=START, ends_at=END, tier_prices={"standard": 900, "silver": 800}
        )
    ]
    return memory


def lines(*skus: str) -> list[OrderLineIn]:
    return [OrderLineIn(sku=sku, qty=2, unit_price=1990) for sku in skus]


def stored(pricing: Pricing) -> list[dict[str, Any]]:
    """The priced lines as the order document stores them."""
    return [line.model_dump() for line in pricing.lines]


async def test_inside_the_window_the_line_costs_the_promotional_price(catalog: MemoryCatalog) -> None:
    offers = await catalog.offers(["SKU-A", "SKU-B"], at=START + timedelta(hours=1))
    pricing = price_lines(lines("SKU-A", "SKU-B"), offers, "standard")
    assert stored(pricing) == [
        {
            "sku": "SKU-A",
            "qty": 2,
            "unit_price": 1990,
            "unit_cost": 900,
            "supplier_id": "sup_1",
            "promotion_id": "promo_1",
        },
        {"sku": "SKU-B", "qty": 2, "unit_price": 1990, "unit_cost": 1200, "supplier_id": "sup_1"},
    ]
    assert pricing.total_cost == 2 * 900 + 2 * 1200


@pytest.mark.parametrize("at", [START - timedelta(seconds=1), END, END + timedelta(days=1)])
async def test_outside_the_window_the_line_costs_the_normal_price(
    catalog: MemoryCatalog, at: datetime
) -> None:
    """The window is half-open: an order received exactly at its end pays normally."""
    pricing = price_lines(lines("SKU-A"), await catalog.offers(["SKU-A"], at=at), "standard")
    assert [(ln["unit_cost"], "promotion_id" in ln) for ln in stored(pricing)] == [(1200, False)]


async def test_a_tier_the_promotion_does_not_name_pays_its_normal_price(catalog: MemoryCatalog) -> None:
    offers = await catalog.offers(["SKU-A"], at=START)
    pricing = price_lines(lines("SKU-A"), offers, "gold")
    assert [(ln["unit_cost"], ln.get("promotion_id")) for ln in stored(pricing)] == [(1000, None)]


async def test_a_promotion_does_not_make_an_unpriced_tier_orderable(catalog: MemoryCatalog) -> None:
    """`silver` has a promotional price but no normal price: still rejected, nothing priced."""
    pricing = price_lines(lines("SKU-A"), await catalog.offers(["SKU-A"], at=START), "silver")
    assert (pricing.rejection, pricing.bad_sku, pricing.lines) == ("no_price_for_tier", "SKU-A", [])


def test_discount_split_in_proportion_with_the_remainder_on_the_last_line() -> None:
    assert discount_shares([300, 300, 400], 100) == [30, 30, 40]
    assert discount_shares([100, 100, 100], 100) == [33, 33, 34]
    assert discount_shares([1, 999], 1) == [0, 1]


def test_a_remainder_larger_than_the_last_line_spills_onto_the_first() -> None:
    assert discount_shares([7, 13, 29, 1], 49) == [7, 13, 28, 1]


def test_shares_are_whole_fen_and_add_up_to_the_discount() -> None:
    costs = [7, 13, 29, 1]
    for discount in range(sum(costs) + 1):
        shares = discount_shares(costs, discount)
        assert sum(shares) == discount
        assert all(0 <= share <= cost for share, cost in zip(shares, costs, strict=True))


def test_no_discount_and_no_cost_split_to_nothing() -> None:
    assert discount_shares([100, 200], 0) == [0, 0]
    assert discount_shares([0, 0], 0) == [0, 0]
    assert discount_shares([], 0) == []


def test_a_discount_above_the_cost_is_refused() -> None:
    with pytest.raises(ValueError, match="a discount of 101 fen on 100 fen"):
        discount_shares([100], 101)


def test_each_line_keeps_the_settlement_price_the_sku_had_when_priced() -> None:
    offers = {
        "NEW": SkuOffer("NEW", "sup_1", True, NORMAL, settlement_price=700),
        "OLD": SkuOffer("OLD", "sup_1", True, NORMAL),
    }
    lines = [OrderLineIn(sku="NEW", qty=2, unit_price=1990), OrderLineIn(sku="OLD", qty=1, unit_price=1990)]
    priced = price_lines(lines, offers, "gold")
    assert [(line.unit_cost, line.unit_settlement) for line in priced.lines] == [(1000, 700), (1000, None)]


def test_each_line_keeps_the_category_its_sku_had_when_priced() -> None:
    offers = {
        "NEW": SkuOffer("NEW", "sup_1", True, NORMAL, category="cat_cups"),
        "OLD": SkuOffer("OLD", "sup_1", True, NORMAL),
    }
    lines = [OrderLineIn(sku="NEW", qty=2, unit_price=1990), OrderLineIn(sku="OLD", qty=1, unit_price=1990)]
    priced = price_lines(lines, offers, "gold")
    assert [line.category for line in priced.lines] == ["cat_cups", None]


@dataclass(frozen=True)
class Priced:
    """An order as `sale_of` reads it."""

    lines: list[OrderLine]
    discount: int
    platform: str = "generic"
    shop_id: str = "s1"
    received_at: datetime = START
    reship: object | None = None


def test_a_sale_charges_each_line_its_cost_less_its_share_of_the_discount() -> None:
    offers = {
        "CUP": SkuOffer("CUP", "sup_1", True, NORMAL, category="cat_cups"),
        "LID": SkuOffer("LID", "sup_2", True, {"gold": 500}),
    }
    lines = [OrderLineIn(sku="CUP", qty=2, unit_price=1990), OrderLineIn(sku="LID", qty=1, unit_price=990)]
    priced = price_lines(lines, offers, "gold").lines
    sale = sale_of(Priced(priced, discount=250))
    assert sale == Sale(
        platform="generic",
        shop_id="s1",
        received_at=START,
        lines=[
            SoldLine(
                sku="CUP",
                qty=2,
                unit_price=1990,
                supplier_id="sup_1",
                charge=1800,
                discount=200,
                category="cat_cups",
            ),
            SoldLine(sku="LID", qty=1, unit_price=990, supplier_id="sup_2", charge=450, discount=50),
        ],
    )
    assert [line.charge for line in sale.lines] == net_charges([2000, 500], 250)
    assert sale_of(Priced(priced, discount=0, reship=object())).reship
