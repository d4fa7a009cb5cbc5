"""Routing rules (分流): which of a supplier's accounts serves which merchants."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from pydantic import Field

from schemas.supplier_accounts import RoutingRule
from workers.accounts.model.parties import Stored
from workers.accounts.model.tiers import unknown_tier


class SupplierRouting(Stored):
    """All of a supplier's rules, replaced at once; a rule names exactly one selector."""

    supplier_id: str = Field(alias="_id")
    rules: list[RoutingRule]
    updated_at: datetime


def rules_problem(
    rules: Sequence[RoutingRule], accounts: Collection[str], merchants: Collection[str], tiers: Sequence[str]
) -> str | None:
    """The first bad rule, named by its index and field, or None when all are sound.

    A rule may name only the supplier's own accounts, existing merchants and known tiers,
    and no two rules may share a selector.
    """
    seen: set[tuple[str, str]] = set()
    for i, rule in enumerate(rules):
        selector = _selector(rule)
        if rule.account_id not in accounts:
            return f"rules.{i}.account_id: no account {rule.account_id!r} of this supplier"
        if rule.merchant_id is not None and rule.merchant_id not in merchants:
            return f"rules.{i}.merchant_id: no merchant {rule.merchant_id!r}"
        if rule.tier is not None and (problem := unknown_tier(rule.tier, tiers, f"rules.{i}.tier")):
            return problem
        if selector in seen:
            return f"rules.{i}.{selector[0]}: a second rule for the same {selector[0]}"
        seen.add(selector)
    return None


def _selector(rule: RoutingRule) -> tuple[str, str]:
    if rule.merchant_id is not None:
        return "merchant_id", rule.merchant_id
    if rule.tier is not None:
        return "tier", rule.tier
    return "default", ""


def merchants_named(rules: Sequence[RoutingRule]) -> list[str]:
    """The merchants the rules name, each once, in order: the ones whose existence to check."""
    return sorted({rule.merchant_id for rule in rules if rule.merchant_id})
