"""The coupon rules: eligibility, the discount (percent cap, minimum charge), the best choice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schemas.coupon import CouponLine, CreateTemplate, TemplateTerms
from workers.coupon.model import Coupon, OrderFacts, discount_for, ranked, template_problem

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def facts(
    *lines: tuple[str, int, str], tier: str = "standard", categories: dict[str, str] | None = None
) -> OrderFacts:
    cats = {sku: frozenset({c}) for sku, c in (categories or {}).items()}
    return OrderFacts(tier, tuple(CouponLine(sku=s, cost=c, supplier_id=p) for s, c, p in lines), cats)


def amount(off: int, **limits: object) -> TemplateTerms:
    return TemplateTerms.model_validate({"kind": "amount", "amount_off": off, **limits})


def coupon(cid: str, terms: TemplateTerms, *, days: int = 7, issued: int = 0) -> Coupon:
    return Coupon(
        id=cid,
        template_id="t",
        channel_id="ch",
        merchant_id="m",
        reference=cid,
        terms=terms,
        valid_from=NOW - timedelta(days=1),
        valid_to=NOW + timedelta(days=days),
        issued_at=NOW - timedelta(hours=24 - issued),
    )


def test_percent_off_rounds_down_and_stops_at_its_cap() -> None:
    terms = TemplateTerms(kind="percent", percent_off=15, max_discount=200)
    assert discount_for(terms, facts(("A", 999, "s"))) == 149
    assert discount_for(terms, facts(("A", 5000, "s"))) == 200


def test_the_minimum_charge_counts_only_eligible_lines() -> None:
    terms = amount(100, min_charge=1000, skus=["A"])
    assert discount_for(terms, facts(("A", 999, "s"), ("B", 5000, "s"))) == 0
    assert discount_for(terms, facts(("A", 1000, "s"), ("B", 5000, "s"))) == 100


def test_an_amount_never_takes_more_than_the_eligible_cost() -> None:
    assert discount_for(amount(800, suppliers=["s1"]), facts(("A", 300, "s1"), ("B", 900, "s2"))) == 300


def test_tier_category_supplier_and_sku_lists_each_limit_eligibility() -> None:
    order = facts(("A", 1000, "s1"), tier="gold", categories={"A": "家居"})
    assert discount_for(amount(100, tiers=["silver"]), order) == 0
    assert discount_for(amount(100, tiers=["gold"]), order) == 100
    assert discount_for(amount(100, categories=["数码"]), order) == 0
    assert discount_for(amount(100, categories=["家居"]), order) == 100
    assert discount_for(amount(100, suppliers=["s2"]), order) == 0
    assert discount_for(amount(100, skus=["B"]), order) == 0


def test_the_best_is_the_largest_discount_then_earliest_expiry_then_earliest_issued() -> None:
    order = facts(("A", 1200, "s"))
    percent = coupon("p", TemplateTerms(kind="percent", percent_off=50, max_discount=500), days=10)
    late = coupon("late", amount(500), days=5, issued=2)
    early = coupon("early", amount(500), days=5, issued=1)
    small = coupon("small", amount(300), days=1)
    assert [c.coupon.id for c in ranked([small, percent, late, early], order, NOW)] == [
        "early",
        "late",
        "p",
        "small",
    ]


def test_expired_not_yet_valid_and_useless_coupons_are_not_candidates() -> None:
    expired = coupon("x", amount(100)).model_copy(update={"valid_to": NOW})
    future = coupon("f", amount(100)).model_copy(update={"valid_from": NOW + timedelta(seconds=1)})
    useless = coupon("u", amount(100, min_charge=5000))
    assert ranked([expired, future, useless], facts(("A", 1200, "s")), NOW) == []


def test_a_template_needs_terms_that_fit_its_kind_and_one_validity() -> None:
    base = {"correlation_id": "t", "template_id": "t", "channel_id": "c", "name": "n", "quantity": 5}
    percent_without_cap = CreateTemplate.model_validate(
        {**base, "terms": {"kind": "percent", "percent_off": 10}, "valid_days": 3}
    )
    assert (
        template_problem(percent_without_cap)
        == "terms.percent_off, terms.max_discount: both required for a percent-off coupon"
    )
    both = CreateTemplate.model_validate(
        {**base, "terms": {"kind": "amount", "amount_off": 10}, "valid_days": 3, "valid_to": NOW}
    )
    assert template_problem(both) == "valid_to, valid_days: give exactly one"
    over = CreateTemplate.model_validate(
        {**base, "terms": {"kind": "amount", "amount_off": 10}, "valid_days": 3, "per_merchant_limit": 6}
    )
    assert template_problem(over) == "per_merchant_limit: more than the quantity"
