"""Edits and price changes on the in-memory twin: a listed product's edit waits for review."""

from __future__ import annotations

import pytest

from schemas.catalog import (
    ChangeProductStatus,
    ChangeSkuPrices,
    CreateCategory,
    EditProduct,
    ProductStatus,
    ReviewRevision,
    SkuSpecsEdit,
)
from schemas.envelope import utcnow
from tests.unit.catalog.support import PRICES, Catalog, create
from workers.catalog.handlers.products import change_product_status, create_product
from workers.catalog.handlers.revisions import change_sku_prices, edit_product, review_revision
from workers.catalog.handlers.taxonomy import create_category
from workers.catalog.memory import MemoryProducts
from workers.catalog.model import Product, plan_transition


@pytest.fixture
async def catalog() -> Catalog:
    """One listed product `prd_1` with SKU `SKU-A`, specs {颜色: 红}."""
    given = Catalog()
    await create_product(
        create("prd_1", "SKU-A"), products=given.products, taxonomy=given.taxonomy, tiers=given.tiers
    )
    approve = ChangeProductStatus(correlation_id="prd_1", product_id="prd_1", action="approve")
    await change_product_status(approve, products=given.products)
    return given


def _edit(**fields: object) -> EditProduct:
    return EditProduct(correlation_id="prd_1", product_id="prd_1", supplier_id="sup_1", **fields)


def _review(approve: bool, reason: str | None = None) -> ReviewRevision:
    return ReviewRevision(correlation_id="prd_1", product_id="prd_1", approve=approve, reason=reason)


NEW = {"name": "保温杯 新款", "skus": [SkuSpecsEdit(sku="SKU-A", specs={"颜色": "蓝"})]}


async def test_a_listed_products_edit_waits_and_its_approval_applies_it(catalog: Catalog) -> None:
    body, _ = await edit_product(_edit(**NEW), products=catalog.products, taxonomy=catalog.taxonomy)
    assert body == {"id": "prd_1", "status": "listed", "pending_revision": True}
    waiting = catalog.products.products["prd_1"]
    assert (waiting.name, catalog.products.skus["SKU-A"].specs) == ("保温杯", {"颜色": "红"})
    assert waiting.pending_revision is not None
    assert waiting.pending_revision.name == "保温杯 新款"

    body, _ = await review_revision(_review(True), products=catalog.products)

    assert body == {"id": "prd_1", "status": "listed", "pending_revision": False}
    applied = catalog.products.products["prd_1"]
    assert (applied.name, applied.name_key, applied.pending_revision) == ("保温杯 新款", "保温杯 新款", None)
    assert catalog.products.skus["SKU-A"].specs == {"颜色": "蓝"}
    assert [h.event for h in applied.history][-2:] == ["revision_submitted", "revision_approved"]


async def test_a_rejected_revision_is_discarded_and_a_second_review_is_a_conflict(catalog: Catalog) -> None:
    await edit_product(_edit(**NEW), products=catalog.products, taxonomy=catalog.taxonomy)
    reject = _review(False, "名称不符")

    await review_revision(reject, products=catalog.products)

    product = catalog.products.products["prd_1"]
    assert (product.name, product.pending_revision, product.history[-1].why) == ("保温杯", None, "名称不符")
    again, _ = await review_revision(reject, products=catalog.products)  # a redelivery
    assert again == {"id": "prd_1", "status": "listed", "pending_revision": False}
    other, _ = await review_revision(_review(True), products=catalog.products)
    assert other == {"error": {"code": "conflict", "message": "no revision is waiting for review"}}
    assert len(catalog.products.products["prd_1"].history) == len(product.history)


async def test_a_draft_is_rewritten_at_once_and_goes_back_to_review(catalog: Catalog) -> None:
    await create_product(
        create("prd_2", "SKU-B"), products=catalog.products, taxonomy=catalog.taxonomy, tiers=catalog.tiers
    )
    reject = ChangeProductStatus(correlation_id="prd_2", product_id="prd_2", action="reject", reason="模糊")
    await change_product_status(reject, products=catalog.products)
    edit = EditProduct(correlation_id="prd_2", product_id="prd_2", supplier_id="sup_1", name="碗 2")

    body, _ = await edit_product(edit, products=catalog.products, taxonomy=catalog.taxonomy)

    assert body == {"id": "prd_2", "status": "pending_review", "pending_revision": False}
    product = catalog.products.products["prd_2"]
    assert (product.name, product.status, product.history[-1].event) == ("碗 2", "pending_review", "edited")


async def test_an_edit_naming_a_foreign_sku_is_refused_and_stores_nothing(catalog: Catalog) -> None:
    edit = _edit(skus=[SkuSpecsEdit(sku="SKU-Z", specs={"颜色": "蓝"})])
    body, _ = await edit_product(edit, products=catalog.products, taxonomy=catalog.taxonomy)
    assert body["error"]["message"] == "skus.0.sku: 'SKU-Z' is not a SKU of this product"
    assert catalog.products.products["prd_1"].pending_revision is None


async def test_a_price_change_is_recorded_once_and_bad_tiers_change_nothing(catalog: Catalog) -> None:
    def change(prices: dict[str, int], supplier: str = "sup_1") -> ChangeSkuPrices:
        return ChangeSkuPrices(correlation_id="SKU-A", sku="SKU-A", supplier_id=supplier, tier_prices=prices)

    new = PRICES | {"standard": 1500, "vip": 700}
    cmd = change(new)
    assert (await change_sku_prices(cmd, products=catalog.products, tiers=catalog.tiers))[0] == {
        "sku": "SKU-A",
        "tier_prices": new,
        "settlement_price": 800,
    }
    await change_sku_prices(cmd, products=catalog.products, tiers=catalog.tiers)  # a redelivery
    entries = [h for h in catalog.products.products["prd_1"].history if h.event == "price_changed"]
    assert [(h.sku, h.tier_prices, h.by) for h in entries] == [("SKU-A", new, "sup_1")]

    refusals = [
        (change(PRICES | {"platinum": 1}), "tier_prices.platinum: unknown tier 'platinum'"),
        (change({"standard": 1}), "tier_prices: no price for tier 'silver'"),
        (change(PRICES, supplier="sup_2"), "sku not found"),
    ]
    for refused, message in refusals:
        body, _ = await change_sku_prices(refused, products=catalog.products, tiers=catalog.tiers)
        assert body["error"]["message"].startswith(message)
    assert catalog.products.skus["SKU-A"].tier_prices == new


class DelistedMeanwhile(MemoryProducts):
    """An operator delists the product right after the reviewer's handler has read it."""

    async def get(self, product_id: str) -> Product | None:
        product = await super().get(product_id)
        if product is not None and product.status is ProductStatus.LISTED:
            delist = plan_transition(
                product, "delist", command_id="op-1", by="operator", why=None, at=utcnow()
            )
            await self.transition(product_id, delist)
            await self.set_orderable(product_id, False, product.category_key)
        return product


async def test_approving_a_revision_keeps_a_status_changed_meanwhile(catalog: Catalog) -> None:
    """The approval writes the content only: it once wrote back the status it had read."""
    await edit_product(_edit(**NEW), products=catalog.products, taxonomy=catalog.taxonomy)
    racing = DelistedMeanwhile()
    racing.products, racing.skus = catalog.products.products, catalog.products.skus

    await review_revision(_review(True), products=racing)

    product = racing.products["prd_1"]
    assert (product.status, product.name, product.pending_revision) == ("delisted", "保温杯 新款", None)
    assert racing.skus["SKU-A"].orderable is False


async def test_each_sku_carries_its_products_category_through_creation_revision_and_listing(
    catalog: Catalog,
) -> None:
    """Orders read the category off the SKU (no read of the product), so the SKU follows it."""
    assert catalog.products.skus["SKU-A"].category == "家居"
    cups = CreateCategory(correlation_id="cups", category_id="cups", name="杯子")
    await create_category(cups, taxonomy=catalog.taxonomy)
    await edit_product(_edit(category_id="cups"), products=catalog.products, taxonomy=catalog.taxonomy)
    assert catalog.products.skus["SKU-A"].category == "家居"  # waiting for review

    await review_revision(_review(True), products=catalog.products)

    assert catalog.products.products["prd_1"].category_key == "cups"
    assert catalog.products.skus["SKU-A"].category == "cups"
    catalog.products.skus["SKU-A"] = catalog.products.skus["SKU-A"].model_copy(update={"category": None})
    delist = ChangeProductStatus(correlation_id="prd_1", product_id="prd_1", action="delist")
    await change_product_status(delist, products=catalog.products)
    assert catalog.products.skus["SKU-A"].category == "cups"  # a SKU stored before SKUs carried it
