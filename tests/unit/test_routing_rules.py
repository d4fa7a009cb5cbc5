"""Routing rules: the most specific rule wins; a rule set is checked before it is stored."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from schemas.supplier_accounts import RoutingRule
from workers.accounts.model import rules_problem
from workers.order.model import choose_account, split_by_supplier

RULES: list[dict[str, Any]] = [
    {"default": True, "account_id": "acc_default"},
    {"tier": "gold", "account_id": "acc_gold"},
    {"merchant_id": "m1", "account_id": "acc_m1"},
]


@pytest.mark.parametrize(
    ("merchant", "tier", "account"),
    [("m1", "gold", "acc_m1"), ("m2", "gold", "acc_gold"), ("m2", "standard", "acc_default")],
)
def test_merchant_beats_tier_beats_default(merchant: str, tier: str, account: str) -> None:
    assert choose_account(RULES, merchant, tier) == account


def test_no_matching_rule_leaves_the_sub_order_with_the_supplier_itself() -> None:
    assert choose_account([{"tier": "gold", "account_id": "a"}], "m1", "standard") is None
    order = {
        "_id": "generic:s:1",
        "merchant_id": "m1",
        "shipping_address": {},
        "lines": [
            {"sku": "A", "qty": 1, "supplier_id": "sup1"},
            {"sku": "B", "qty": 2, "supplier_id": "sup2"},
        ],
    }
    subs = split_by_supplier(order, {"sup1": "acc_1"})
    assert [(s["supplier_id"], s["account_id"]) for s in subs] == [("sup1", "acc_1"), ("sup2", None)]
    assert [s["_id"] for s in subs] == [s["_id"] for s in split_by_supplier(order)]  # ids stay per supplier


def rules(*raw: dict[str, Any]) -> list[RoutingRule]:
    return [RoutingRule.model_validate(r) for r in raw]


def test_each_bad_rule_is_named_by_index_and_field() -> None:
    def check(*raw: dict[str, Any]) -> str | None:
        return rules_problem(rules(*raw), {"acc_1"}, {"m1"}, ["standard", "gold"])

    assert (
        check({"merchant_id": "m1", "account_id": "acc_1"}, {"default": True, "account_id": "acc_1"}) is None
    )
    assert (
        check({"default": True, "account_id": "acc_9"})
        == "rules.0.account_id: no account 'acc_9' of this supplier"
    )
    assert check({"tier": "gold", "account_id": "acc_1"}, {"merchant_id": "m9", "account_id": "acc_1"}) == (
        "rules.1.merchant_id: no merchant 'm9'"
    )
    assert check({"tier": "platinum", "account_id": "acc_1"}).startswith("rules.0.tier: unknown tier")  # type: ignore[union-attr]
    assert check({"default": True, "account_id": "acc_1"}, {"default": True, "account_id": "acc_1"}) == (
        "rules.1.default: a second rule for the same default"
    )


def test_a_rule_names_exactly_one_selector() -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        RoutingRule.model_validate({"tier": "gold", "merchant_id": "m1", "account_id": "a"})
    with pytest.raises(ValidationError, match="exactly one"):
        RoutingRule.model_validate({"account_id": "a"})
