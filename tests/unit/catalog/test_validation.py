"""What a catalog request may hold: keys fit to be field names, bounded sizes, known tiers."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from juhe.validation import describe_validation
from schemas.catalog import MAX_SKUS, CreateProduct, CreateProductModel, SkuDraft
from tests.unit.catalog.support import PRICES, create
from workers.catalog.model import drafts_problem, tier_prices_problem

REQUIRED, KNOWN = ["standard", "silver", "gold"], ["standard", "silver", "gold", "vip"]


def refusal(model: type[Any], **fields: Any) -> str:
    """The 422 message the edge answers for these fields."""
    with pytest.raises(ValidationError) as raised:
        model(**fields)
    return describe_validation(list(raised.value.errors()))[2]


@pytest.mark.parametrize("key", ["a$b", "$set", "a.b", "", "x" * 65, "nul\x00"])
def test_spec_and_attribute_keys_must_be_fit_for_field_names(key: str) -> None:
    assert refusal(SkuDraft, sku="SKU-A", specs={key: "红"}, tier_prices=PRICES).startswith(f"specs.{key}")
    product = create("prd_1", "SKU-A").model_dump() | {"attributes": {key: "棉"}}
    assert refusal(CreateProduct, **product).startswith(f"attributes.{key}")


def test_ordinary_keys_and_values_with_dots_are_kept() -> None:
    draft = SkuDraft(sku="SKU-A", specs={"尺码": "1.5m", "颜色": "$红"}, tier_prices=PRICES)
    assert draft.specs == {"尺码": "1.5m", "颜色": "$红"}


def test_sizes_are_capped() -> None:
    fields = create("prd_1", "SKU-A").model_dump()
    drafts = [SkuDraft(sku=f"SKU-{i}", tier_prices=PRICES) for i in range(MAX_SKUS + 1)]
    assert refusal(CreateProduct, **(fields | {"skus": drafts})).startswith(
        "skus: List should have at most 200"
    )
    assert len(CreateProduct(**(fields | {"skus": drafts[:MAX_SKUS]})).skus) == MAX_SKUS
    many_specs = {f"d{i}": "v" for i in range(17)}
    assert refusal(SkuDraft, sku="S", specs=many_specs, tier_prices=PRICES).startswith(
        "specs: Dictionary should"
    )
    many_tiers = {f"t{i}": 1 for i in range(65)}
    assert refusal(SkuDraft, sku="S", tier_prices=many_tiers).startswith("tier_prices: Dictionary should")
    assert refusal(CreateProduct, **(fields | {"attributes": {f"a{i}": "v" for i in range(33)}})).startswith(
        "attributes: Dictionary should"
    )
    values = [str(i) for i in range(51)]
    assert refusal(
        CreateProductModel, correlation_id="m", model_id="m", name="T", specs={"颜色": values}
    ).startswith("specs.颜色: List should have at most 50")


def test_tier_prices_name_only_known_tiers_and_every_required_one() -> None:
    assert (
        tier_prices_problem(PRICES | {"vip": 1}, required=REQUIRED, known=KNOWN, where="tier_prices") is None
    )
    assert tier_prices_problem(
        PRICES | {"diamond": 1}, required=REQUIRED, known=KNOWN, where="tier_prices"
    ) == ("tier_prices.diamond: unknown tier 'diamond'; known: standard, silver, gold, vip")
    assert (
        tier_prices_problem({"gold": 1}, required=REQUIRED, known=KNOWN, where="tier_prices")
        == "tier_prices: no price for tier 'standard'"
    )


def test_the_first_bad_sku_is_named_by_its_index() -> None:
    drafts = [
        SkuDraft(sku="A", tier_prices=PRICES, settlement_price=800),
        SkuDraft(sku="B", tier_prices=PRICES | {"x": 1}, settlement_price=800),
    ]
    assert drafts_problem(drafts, required=REQUIRED, known=KNOWN) == (
        "skus.1.tier_prices.x: unknown tier 'x'; known: standard, silver, gold, vip"
    )
