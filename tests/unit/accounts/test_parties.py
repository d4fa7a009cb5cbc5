"""Onboarding rules: a redelivered request stores nothing twice; a refusal stores nothing."""

from __future__ import annotations

from schemas.accounts import (
    AddShop,
    ChangeMerchantTier,
    CreateMerchant,
    CreateSupplier,
    PullDelivery,
    RegisterPlatformApp,
)
from workers.accounts.handlers import parties
from workers.accounts.memory import MemoryAccountsRepository


def create_supplier() -> CreateSupplier:
    return CreateSupplier(
        correlation_id="sup_1",
        supplier_id="sup_1",
        name="聚合供应",
        delivery=PullDelivery(mode="pull"),
        api_key_hash="h_sup",
        webhook_secret="whsec_1",
    )


def create_merchant(tier: str = "gold", merchant_id: str = "mch_1") -> CreateMerchant:
    return CreateMerchant(
        correlation_id=merchant_id,
        merchant_id=merchant_id,
        name="小店",
        tier=tier,
        api_key_hash=f"h_{merchant_id}",
    )


def add_shop(merchant_id: str = "mch_1", secret: str = "shsec_1") -> AddShop:
    return AddShop(
        correlation_id=merchant_id,
        merchant_id=merchant_id,
        platform="generic",
        shop_id="s1",
        webhook_secret=secret,
    )


async def test_a_redelivered_supplier_creation_creates_one_supplier_and_one_key(
    repo: MemoryAccountsRepository,
) -> None:
    first = await parties.create_supplier(create_supplier(), repo=repo)
    again = await parties.create_supplier(create_supplier(), repo=repo)
    assert first == again == ({"id": "sup_1"}, [])
    assert list(repo.suppliers) == ["sup_1"]
    assert repo.suppliers["sup_1"].delivery.model_dump() == {"mode": "pull"}
    assert [(k.key_hash, k.kind, k.owner_id, k.account_id) for k in repo.api_keys.values()] == [
        ("h_sup", "supplier", "sup_1", None)
    ]


async def test_a_redelivered_merchant_creation_creates_one_merchant(repo: MemoryAccountsRepository) -> None:
    assert await parties.create_merchant(create_merchant(), repo=repo) == ({"id": "mch_1"}, [])
    assert await parties.create_merchant(create_merchant(), repo=repo) == ({"id": "mch_1"}, [])
    assert [(m.id, m.tier) for m in repo.merchants.values()] == [("mch_1", "gold")]
    assert list(repo.api_keys) == ["h_mch_1"]


async def test_an_unknown_tier_is_refused_naming_the_field_and_nothing_is_stored(
    repo: MemoryAccountsRepository,
) -> None:
    body, follow_ups = await parties.create_merchant(create_merchant("diamond"), repo=repo)
    assert body == {
        "error": {
            "code": "invalid",
            "message": "tier: unknown tier 'diamond'; known: ['standard', 'silver', 'gold']",
        }
    }
    assert (follow_ups, repo.merchants, repo.api_keys) == ([], {}, {})


async def test_a_tier_change_checks_the_tier_and_the_merchant(repo: MemoryAccountsRepository) -> None:
    await parties.create_merchant(create_merchant("standard"), repo=repo)
    unknown = await parties.change_merchant_tier(
        ChangeMerchantTier(correlation_id="m", merchant_id="mch_1", tier="diamond"), repo=repo
    )
    nobody = await parties.change_merchant_tier(
        ChangeMerchantTier(correlation_id="m", merchant_id="mch_nobody", tier="gold"), repo=repo
    )
    changed = await parties.change_merchant_tier(
        ChangeMerchantTier(correlation_id="m", merchant_id="mch_1", tier="gold"), repo=repo
    )
    assert unknown[0]["error"]["message"].startswith("tier: unknown tier 'diamond'")
    assert nobody[0] == {"error": {"code": "not_found", "message": "merchant not found"}}
    assert changed == ({"id": "mch_1", "tier": "gold"}, [])
    assert list(repo.merchants) == ["mch_1"]
    assert repo.merchants["mch_1"].tier == "gold"


async def test_a_shop_is_registered_once_and_another_claim_on_it_is_a_conflict(
    repo: MemoryAccountsRepository,
) -> None:
    await parties.create_merchant(create_merchant(), repo=repo)
    await parties.create_merchant(create_merchant(merchant_id="mch_2"), repo=repo)
    added = await parties.add_shop(add_shop(), repo=repo)
    assert added == ({"platform": "generic", "shop_id": "s1", "webhook_secret": "shsec_1"}, [])
    assert await parties.add_shop(add_shop(), repo=repo) == added  # its redelivery

    taken = await parties.add_shop(add_shop("mch_2", "shsec_2"), repo=repo)
    assert taken[0] == {"error": {"code": "conflict", "message": "shop generic/s1 is already registered"}}
    [shop] = repo.shops.values()
    assert (shop.key, shop.merchant_id, shop.webhook_secret) == ("generic:s1", "mch_1", "shsec_1")


async def test_a_shop_of_an_unknown_merchant_is_not_stored(repo: MemoryAccountsRepository) -> None:
    refused = await parties.add_shop(add_shop("mch_nobody"), repo=repo)
    assert refused[0] == {"error": {"code": "not_found", "message": "merchant not found"}}
    assert repo.shops == {}


async def test_registering_a_platform_app_again_replaces_its_credentials(
    repo: MemoryAccountsRepository,
) -> None:
    for key, secret in (("k1", "s1"), ("k2", "s2")):
        command = RegisterPlatformApp(
            correlation_id="douyin", platform="douyin", app_key=key, app_secret=secret
        )
        assert await parties.register_platform_app(command, repo=repo) == (
            {"platform": "douyin", "app_key": key},
            [],
        )
    [app] = repo.platform_apps.values()
    assert (app.platform, app.app_key, app.app_secret) == ("douyin", "k2", "s2")
