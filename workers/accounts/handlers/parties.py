"""Onboarding by the operator: suppliers, merchants and their tiers, shops, platform apps.

Ids and credential hashes come from the edge, so a redelivered request inserts nothing twice.
"""

from __future__ import annotations

from juhe.replies import Reply, ok, refuse
from schemas.accounts import (
    AddShop,
    ChangeMerchantTier,
    Created,
    CreateMerchant,
    CreateSupplier,
    MerchantTierChanged,
    PlatformAppRegistered,
    RegisterPlatformApp,
    ShopAdded,
)
from schemas.envelope import utcnow
from workers.accounts.handlers.ports import KeyStore, PartyStore, TierNames
from workers.accounts.model import (
    ApiKey,
    Merchant,
    PartyKind,
    PlatformApp,
    Shop,
    Supplier,
    shop_key,
    stored_delivery,
    unknown_tier,
)


async def create_supplier(cmd: CreateSupplier, *, repo: PartyStore) -> Reply:
    supplier = Supplier(
        id=cmd.supplier_id,
        name=cmd.name,
        delivery=stored_delivery(cmd.delivery),
        webhook_secret=cmd.webhook_secret,
        created_at=utcnow(),
    )
    await repo.insert_supplier(supplier)
    await store_key(repo, cmd.api_key_hash, "supplier", cmd.supplier_id)
    return ok(Created(id=cmd.supplier_id).model_dump(mode="json"))


async def create_merchant(cmd: CreateMerchant, *, repo: PartyStore) -> Reply:
    if problem := await tier_problem(repo, cmd.tier):
        return refuse("invalid", problem)
    await repo.insert_merchant(
        Merchant(id=cmd.merchant_id, name=cmd.name, tier=cmd.tier, created_at=utcnow())
    )
    await store_key(repo, cmd.api_key_hash, "merchant", cmd.merchant_id)
    return ok(Created(id=cmd.merchant_id).model_dump(mode="json"))


async def change_merchant_tier(cmd: ChangeMerchantTier, *, repo: PartyStore) -> Reply:
    if problem := await tier_problem(repo, cmd.tier):
        return refuse("invalid", problem)
    if not await repo.set_merchant_tier(cmd.merchant_id, cmd.tier):
        return refuse("not_found", "merchant not found")
    return ok(MerchantTierChanged(id=cmd.merchant_id, tier=cmd.tier).model_dump(mode="json"))


async def add_shop(cmd: AddShop, *, repo: PartyStore) -> Reply:
    """A shop is registered once; the same request again gets the same answer, another a conflict."""
    if await repo.merchant(cmd.merchant_id) is None:
        return refuse("not_found", "merchant not found")
    shop = Shop(
        key=shop_key(cmd.platform, cmd.shop_id),
        merchant_id=cmd.merchant_id,
        platform=cmd.platform,
        shop_id=cmd.shop_id,
        callback_url=str(cmd.callback_url) if cmd.callback_url else None,
        webhook_secret=cmd.webhook_secret,
        created_at=utcnow(),
    )
    stored = await repo.insert_shop(shop)
    if stored.merchant_id != cmd.merchant_id or stored.webhook_secret != cmd.webhook_secret:
        return refuse("conflict", f"shop {cmd.platform}/{cmd.shop_id} is already registered")
    added = ShopAdded(platform=cmd.platform, shop_id=cmd.shop_id, webhook_secret=stored.webhook_secret)
    return ok(added.model_dump(mode="json"))


async def register_platform_app(cmd: RegisterPlatformApp, *, repo: PartyStore) -> Reply:
    """One app per platform; registering again replaces its credentials."""
    app = PlatformApp(
        platform=cmd.platform, app_key=cmd.app_key, app_secret=cmd.app_secret, updated_at=utcnow()
    )
    await repo.save_platform_app(app)
    return ok(PlatformAppRegistered(platform=cmd.platform, app_key=cmd.app_key).model_dump(mode="json"))


async def tier_problem(repo: TierNames, tier: str) -> str | None:
    return unknown_tier(tier, await repo.known_tiers())


async def store_key(
    repo: KeyStore, key_hash: str, kind: PartyKind, owner_id: str, account_id: str | None = None
) -> None:
    """A new holder's first key, current from now on."""
    key = ApiKey(key_hash=key_hash, kind=kind, owner_id=owner_id, account_id=account_id, created_at=utcnow())
    await repo.insert_api_key(key)
