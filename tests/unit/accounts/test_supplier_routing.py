"""Supplier accounts are created once; a rule set is checked whole before it replaces the old."""

from __future__ import annotations

from typing import Any

from schemas.accounts import PullDelivery
from schemas.envelope import utcnow
from schemas.supplier_accounts import CreateSupplierAccount, RoutingRule, SetSupplierRouting
from workers.accounts.handlers import supplier_routing
from workers.accounts.memory import MemoryAccountsRepository
from workers.accounts.model import Merchant, Supplier
from workers.accounts.model import PullDelivery as StoredPull


def create_account(account_id: str = "acc_1", supplier_id: str = "sup_1") -> CreateSupplierAccount:
    return CreateSupplierAccount(
        correlation_id=account_id,
        account_id=account_id,
        supplier_id=supplier_id,
        name="ERP",
        channel="erp",
        delivery=PullDelivery(mode="pull"),
        api_key_hash=f"h_{account_id}",
        webhook_secret="whsec_a",
    )


def set_rules(*rules: dict[str, Any]) -> SetSupplierRouting:
    parsed = [RoutingRule.model_validate(rule) for rule in rules]
    return SetSupplierRouting(correlation_id="sup_1", supplier_id="sup_1", rules=parsed)


async def supplier(repo: MemoryAccountsRepository, supplier_id: str = "sup_1") -> None:
    stored = Supplier(
        id=supplier_id,
        name="供应",
        delivery=StoredPull(mode="pull"),
        webhook_secret="whsec",
        created_at=utcnow(),
    )
    await repo.insert_supplier(stored)


async def test_a_redelivered_account_creation_creates_one_account_and_one_key(
    repo: MemoryAccountsRepository,
) -> None:
    await supplier(repo)
    assert await supplier_routing.create_supplier_account(create_account(), repo=repo) == (
        {"id": "acc_1"},
        [],
    )
    assert await supplier_routing.create_supplier_account(create_account(), repo=repo) == (
        {"id": "acc_1"},
        [],
    )
    assert list(repo.accounts) == ["acc_1"]
    [key] = repo.api_keys.values()
    assert (key.key_hash, key.owner_id, key.account_id) == ("h_acc_1", "sup_1", "acc_1")


async def test_an_account_of_an_unknown_supplier_or_of_another_is_refused(
    repo: MemoryAccountsRepository,
) -> None:
    unknown = await supplier_routing.create_supplier_account(create_account(), repo=repo)
    assert unknown[0]["error"] == {"code": "not_found", "message": "supplier not found"}
    await supplier(repo)
    await supplier(repo, "sup_2")
    await supplier_routing.create_supplier_account(create_account(), repo=repo)
    taken = await supplier_routing.create_supplier_account(create_account(supplier_id="sup_2"), repo=repo)
    assert taken[0]["error"] == {"code": "conflict", "message": "account acc_1 belongs to another supplier"}
    assert [(a.id, a.supplier_id) for a in repo.accounts.values()] == [("acc_1", "sup_1")]
    assert list(repo.api_keys) == ["h_acc_1"]


async def test_a_bad_rule_is_named_and_the_rules_in_place_stay(repo: MemoryAccountsRepository) -> None:
    await supplier(repo)
    await supplier_routing.create_supplier_account(create_account(), repo=repo)
    await repo.insert_merchant(Merchant(id="mch_1", name="店", tier="gold", created_at=utcnow()))
    good = set_rules(
        {"merchant_id": "mch_1", "account_id": "acc_1"}, {"default": True, "account_id": "acc_1"}
    )
    assert await supplier_routing.set_supplier_routing(good, repo=repo) == (
        {
            "rules": [
                {"merchant_id": "mch_1", "account_id": "acc_1"},
                {"default": True, "account_id": "acc_1"},
            ]
        },
        [],
    )
    cases = {
        "rules.0.account_id: no account 'acc_9' of this supplier": set_rules(
            {"default": True, "account_id": "acc_9"}
        ),
        "rules.0.merchant_id: no merchant 'mch_9'": set_rules(
            {"merchant_id": "mch_9", "account_id": "acc_1"}
        ),
        "rules.1.tier: unknown tier 'platinum'; known: ['standard', 'silver', 'gold']": set_rules(
            {"tier": "gold", "account_id": "acc_1"}, {"tier": "platinum", "account_id": "acc_1"}
        ),
        "rules.1.default: a second rule for the same default": set_rules(
            {"default": True, "account_id": "acc_1"}, {"default": True, "account_id": "acc_1"}
        ),
    }
    for message, command in cases.items():
        refused = await supplier_routing.set_supplier_routing(command, repo=repo)
        assert refused == ({"error": {"code": "invalid", "message": message}}, [])
    assert repo.routing["sup_1"].rules == good.rules
