"""Routing rules: a rule set is checked before it is stored (choosing by them: tests/unit/order)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from schemas.supplier_accounts import RoutingRule
from workers.accounts.model import rules_problem


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
