"""Promotions on the in-memory twin: one SKU is priced by one promotion at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schemas.catalog import CreatePromotion, EndPromotion, PromotionItem
from tests.unit.catalog.support import Catalog, create
from workers.catalog.handlers.products import create_product
from workers.catalog.handlers.promotions import create_promotion, end_promotion

START = datetime(2099, 10, 1, tzinfo=UTC)  # the clock decides `status`: keep these ahead of it
END = START + timedelta(days=7)


@pytest.fixture
async def catalog() -> Catalog:
    given = Catalog()
    cmd = create("prd_1", "SKU-A", "SKU-B")
    await create_product(cmd, products=given.products, taxonomy=given.taxonomy, tiers=given.tiers)
    return given


def _promotion(promotion_id: str, starts: datetime, ends: datetime, *skus: str) -> CreatePromotion:
    items = [PromotionItem(sku=sku, tier_prices={"gold": 800}) for sku in skus]
    return CreatePromotion(
        correlation_id=promotion_id,
        promotion_id=promotion_id,
        name="国庆",
        starts_at=starts,
        ends_at=ends,
        items=items,
    )


async def test_an_overlapping_claim_is_refused_and_the_claims_made_are_undone(catalog: Catalog) -> None:
    await create_promotion(_promotion("p1", START, END, "SKU-A"), promotions=catalog.promotions)

    clash = _promotion("p2", END - timedelta(hours=1), END + timedelta(days=1), "SKU-B", "SKU-A")
    body, _ = await create_promotion(clash, promotions=catalog.promotions)

    assert body["error"] == {
        "code": "conflict",
        "message": "items.1.sku: 'SKU-A' is in promotion p1 during this window",
    }
    assert sorted(catalog.promotions.promotions) == ["p1"]
    assert catalog.promotions.windows["SKU-B"] == []
    assert [w.promotion_id for w in catalog.promotions.windows["SKU-A"]] == ["p1"]


async def test_adjacent_windows_do_not_overlap_and_a_redelivery_claims_once(catalog: Catalog) -> None:
    await create_promotion(_promotion("p1", START, END, "SKU-A"), promotions=catalog.promotions)
    following = _promotion("p2", END, END + timedelta(days=1), "SKU-A")

    body, _ = await create_promotion(following, promotions=catalog.promotions)
    await create_promotion(following, promotions=catalog.promotions)

    assert (body["id"], body["status"]) == ("p2", "scheduled")
    assert [w.promotion_id for w in catalog.promotions.windows["SKU-A"]] == ["p1", "p2"]


async def test_ending_early_shortens_the_window_and_before_the_start_removes_it(catalog: Catalog) -> None:
    await create_promotion(_promotion("p1", START, END, "SKU-A"), promotions=catalog.promotions)
    await create_promotion(
        _promotion("p2", END, END + timedelta(days=1), "SKU-B"), promotions=catalog.promotions
    )
    now = START + timedelta(days=1)

    body, _ = await end_promotion(
        EndPromotion(correlation_id="p1", promotion_id="p1", occurred_at=now), promotions=catalog.promotions
    )
    await end_promotion(
        EndPromotion(correlation_id="p2", promotion_id="p2", occurred_at=now), promotions=catalog.promotions
    )

    at = now.isoformat().replace("+00:00", "Z")
    assert (body["ends_at"], body["ended_at"]) == (at, at)
    assert [w.ends_at for w in catalog.promotions.windows["SKU-A"]] == [now]
    assert catalog.promotions.windows["SKU-B"] == []
    over, _ = await end_promotion(
        EndPromotion(correlation_id="p3", promotion_id="p1", occurred_at=END), promotions=catalog.promotions
    )
    assert over == body  # ending again: the same answer
