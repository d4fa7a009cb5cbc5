"""Promotion rules: item checks, status over time, and where an early end closes the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from schemas.promotions import PromotionItem
from workers.catalog.promotion_rules import check_items, check_window, end_moment, status

START = datetime(2026, 10, 1, tzinfo=UTC)
END = START + timedelta(days=7)
SKUS: dict[str, dict[str, Any]] = {"SKU-A": {"tier_prices": {"standard": 1200, "gold": 1000}}}


def promo(**fields: Any) -> dict[str, Any]:
    return {"state": "open", "starts_at": START, "ends_at": END, "ended_at": None, **fields}


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
    assert status(promo(), START - timedelta(seconds=1)) == "scheduled"
    assert status(promo(), START) == "active"
    assert status(promo(), END) == "ended"
    assert status(promo(state="claiming"), START) == "pending"
    assert status(promo(ends_at=START), START - timedelta(days=1)) == "ended"  # ended before its start


def test_ending_early_closes_the_window_now_or_empties_it_before_the_start() -> None:
    now = START + timedelta(days=1)
    assert end_moment(promo(), now) == now
    assert end_moment(promo(), START - timedelta(days=1)) == START
    assert end_moment(promo(), END) is None
