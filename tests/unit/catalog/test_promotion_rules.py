"""Promotion rules: item checks, status over time, and where an early end closes the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from schemas.catalog import PromotionItem
from workers.catalog.model import Promotion, Sku, check_items, check_window

START = datetime(2026, 10, 1, tzinfo=UTC)
END = START + timedelta(days=7)
SKUS = {
    "SKU-A": Sku(
        id="SKU-A", product_id="prd_1", supplier_id="sup_1", tier_prices={"standard": 1200, "gold": 1000}
    )
}


def promo(**fields: Any) -> Promotion:
    given: dict[str, Any] = {
        "id": "promo_1",
        "name": "国庆",
        "starts_at": START,
        "ends_at": END,
        "items": [],
        "skus": [],
        "state": "open",
        "created_at": START,
        "list_key": "k",
    }
    return Promotion(**(given | fields))


def test_the_window_must_end_after_it_starts() -> None:
    assert check_window(START, END) is None
    assert check_window(START, START) == "ends_at: must be after starts_at"


def test_items_name_the_bad_field() -> None:
    ok = PromotionItem(sku="SKU-A", tier_prices={"standard": 900})
    assert check_items([ok], SKUS) is None
    assert (
        check_items([ok, PromotionItem(sku="SKU-X", tier_prices={"gold": 1})], SKUS)
        == "items.1.sku: no SKU 'SKU-X'"
    )
    assert check_items([ok, ok], SKUS) == "items.1.sku: 'SKU-A' appears twice"
    silver = PromotionItem(sku="SKU-A", tier_prices={"silver": 800})
    assert (
        check_items([silver], SKUS) == "items.0.tier_prices.silver: the SKU has no normal price for this tier"
    )


def test_status_follows_the_clock() -> None:
    assert promo().status(START - timedelta(seconds=1)) == "scheduled"
    assert promo().status(START) == "active"
    assert promo().status(END) == "ended"
    assert promo(state="claiming").status(START) == "pending"
    assert promo(ends_at=START).status(START - timedelta(days=1)) == "ended"  # ended before its start


def test_ending_early_closes_the_window_now_or_empties_it_before_the_start() -> None:
    now = START + timedelta(days=1)
    assert promo().end_moment(now) == now
    assert promo().end_moment(START - timedelta(days=1)) == START
    assert promo().end_moment(END) is None
