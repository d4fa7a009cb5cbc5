"""Product rules on the in-memory twin: creation with platform-unique SKUs, review and listing,
the recycle bin's purge."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.catalog import ChangeProductStatus, ProductAction, SkuDraft
from schemas.commands import SyncStock
from schemas.envelope import utcnow
from schemas.events import ProductStatusChanged
from tests.unit.catalog.support import PRICES, Catalog, create
from workers.catalog.handlers.products import change_product_status, create_product


@pytest.fixture
def catalog() -> Catalog:
    return Catalog()


async def _create(catalog: Catalog, product_id: str, *skus: str) -> tuple[dict[str, object], list[object]]:
    cmd = create(product_id, *skus)
    body, out = await create_product(
        cmd, products=catalog.products, taxonomy=catalog.taxonomy, tiers=catalog.tiers
    )
    return body, list(out)


async def _act(
    catalog: Catalog, product_id: str, action: ProductAction, **fields: str
) -> ChangeProductStatus:
    cmd = ChangeProductStatus(correlation_id=product_id, product_id=product_id, action=action, **fields)
    await change_product_status(cmd, products=catalog.products)
    return cmd


async def test_a_new_product_waits_for_review_and_its_initial_stock_is_synced(catalog: Catalog) -> None:
    body, out = await _create(catalog, "prd_1", "SKU-A")

    assert body == {"id": "prd_1", "status": "pending_review"}
    [sync] = out
    assert isinstance(sync, SyncStock)
    assert (sync.sync_id, [(i.sku, i.on_hand) for i in sync.items]) == ("initial:prd_1", [("SKU-A", 5)])
    product = catalog.products.products["prd_1"]
    assert [(h.event, h.status, h.by) for h in product.history] == [
        ("status_changed", "pending_review", "sup_1")
    ]
    assert catalog.products.skus["SKU-A"].orderable is False
    assert catalog.products.bounds["pos_created_min"] == product.pos_created


async def test_a_redelivered_create_changes_nothing(catalog: Catalog) -> None:
    cmd = create("prd_1", "SKU-A")
    first = await create_product(
        cmd, products=catalog.products, taxonomy=catalog.taxonomy, tiers=catalog.tiers
    )
    stored = catalog.products.products["prd_1"]
    again = await create_product(
        cmd, products=catalog.products, taxonomy=catalog.taxonomy, tiers=catalog.tiers
    )
    assert again[0] == first[0]
    assert catalog.products.products["prd_1"] is stored


async def test_a_sku_clash_undoes_the_claimed_skus_and_stores_no_product(catalog: Catalog) -> None:
    await _create(catalog, "prd_a", "SKU-X")

    body, out = await _create(catalog, "prd_b", "SKU-Y", "SKU-X")

    assert body == {"error": {"code": "conflict", "message": "sku 'SKU-X' already exists on the platform"}}
    assert out == []
    assert sorted(catalog.products.skus) == ["SKU-X"]
    assert catalog.products.skus["SKU-X"].product_id == "prd_a"
    assert sorted(catalog.products.products) == ["prd_a"]


async def test_unknown_or_missing_tier_prices_are_refused_naming_the_field(catalog: Catalog) -> None:
    unknown = create("prd_1", "SKU-A").model_copy(
        update={"skus": [SkuDraft(sku="SKU-A", tier_prices=PRICES | {"platinum": 900})]}
    )
    body, _ = await create_product(
        unknown, products=catalog.products, taxonomy=catalog.taxonomy, tiers=catalog.tiers
    )
    assert body["error"]["message"] == (
        "skus.0.tier_prices.platinum: unknown tier 'platinum'; known: standard, silver, gold, vip"
    )
    missing = unknown.model_copy(update={"skus": [SkuDraft(sku="SKU-A", tier_prices={"standard": 1})]})
    body, _ = await create_product(
        missing, products=catalog.products, taxonomy=catalog.taxonomy, tiers=catalog.tiers
    )
    assert body["error"]["message"] == "skus.0.tier_prices: no price for tier 'silver'"
    assert (catalog.products.products, catalog.products.skus) == ({}, {})


async def test_legal_moves_list_and_delist_and_make_the_skus_follow(catalog: Catalog) -> None:
    await _create(catalog, "prd_1", "SKU-A")
    cmd = ChangeProductStatus(correlation_id="prd_1", product_id="prd_1", action="approve")

    body, out = await change_product_status(cmd, products=catalog.products)

    assert body == {"id": "prd_1", "status": "listed"}
    assert [(type(e), e.status, e.skus) for e in out] == [(ProductStatusChanged, "listed", ["SKU-A"])]
    assert catalog.products.skus["SKU-A"].orderable is True
    await _act(catalog, "prd_1", "delist")
    assert catalog.products.skus["SKU-A"].orderable is False
    await _act(catalog, "prd_1", "relist")
    history = catalog.products.products["prd_1"].history
    assert [h.status for h in history] == ["pending_review", "listed", "delisted", "listed"]


async def test_an_illegal_move_is_a_conflict_and_changes_nothing(catalog: Catalog) -> None:
    await _create(catalog, "prd_1", "SKU-A")
    await _act(catalog, "prd_1", "approve")
    before = catalog.products.products["prd_1"]
    cmd = ChangeProductStatus(correlation_id="prd_1", product_id="prd_1", action="approve")

    body, out = await change_product_status(cmd, products=catalog.products)

    assert body == {
        "error": {"code": "conflict", "message": "cannot approve a product that is not pending_review"}
    }
    assert out == []
    assert catalog.products.products["prd_1"] == before


async def test_a_redelivered_move_answers_again_without_moving_twice(catalog: Catalog) -> None:
    await _create(catalog, "prd_1", "SKU-A")
    cmd = await _act(catalog, "prd_1", "approve")
    body, out = await change_product_status(cmd, products=catalog.products)
    assert body == {"id": "prd_1", "status": "listed"}
    assert len(out) == 1  # the selections hear of it again: their rule follows the current status
    assert len(catalog.products.products["prd_1"].history) == 2


async def test_restore_returns_to_the_status_before_the_delete_and_the_first_listing_stays(
    catalog: Catalog,
) -> None:
    await _create(catalog, "prd_1", "SKU-A")
    await _act(catalog, "prd_1", "approve")
    first_listing = catalog.products.products["prd_1"].listed_at
    await _act(catalog, "prd_1", "delete")
    deleted = catalog.products.products["prd_1"]
    assert (deleted.status, deleted.deleted_from) == ("deleted", "listed")
    await _act(catalog, "prd_1", "restore")
    restored = catalog.products.products["prd_1"]
    assert (restored.status, restored.listed_at) == ("listed", first_listing)
    assert catalog.products.skus["SKU-A"].orderable is True


async def test_the_purge_removes_only_products_deleted_longer_ago_than_the_retention(
    catalog: Catalog,
) -> None:
    for product_id, sku in (("prd_old", "SKU-O"), ("prd_new", "SKU-N"), ("prd_kept", "SKU-K")):
        await _create(catalog, product_id, sku)
    await _act(catalog, "prd_old", "delete")
    await _act(catalog, "prd_new", "delete")
    now = utcnow()
    old = catalog.products.products["prd_old"]
    catalog.products.products["prd_old"] = old.model_copy(update={"deleted_at": now - timedelta(days=31)})

    assert await catalog.products.purge_recycle_bin(now, timedelta(days=30)) == 1
    assert sorted(catalog.products.products) == ["prd_kept", "prd_new"]
    assert sorted(catalog.products.skus) == ["SKU-K", "SKU-N"]
    assert await catalog.products.purge_recycle_bin(now, timedelta(days=30)) == 0
