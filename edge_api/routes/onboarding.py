"""Operator onboarding: suppliers, merchants and tiers, shops (the wallet is in `wallet`)."""

from __future__ import annotations

import secrets

from fastapi import APIRouter
from pydantic import AnyHttpUrl, BaseModel, ConfigDict

from edge_api.auth import MERCHANT_KEY_PREFIX, SUPPLIER_KEY_PREFIX, new_api_key
from edge_api.deps import Edge, Operator
from edge_api.errors import ApiError
from edge_api.openapi import errors
from edge_api.targets import check_delivery, check_url
from juhe.settings import new_secret
from schemas.accounts import (
    AddShop,
    ChangeMerchantTier,
    CreateMerchant,
    CreateSupplier,
    Delivery,
    MerchantTierChanged,
    PlatformName,
    ShopAdded,
    ShopId,
)
from schemas.common import ShortText
from workers.accounts.model import DEFAULT_TIER, unknown_tier
from workers.accounts.queries import AccountsQueries

router = APIRouter(prefix="/v1", tags=["onboarding"])


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SupplierIn(Body):
    name: ShortText
    delivery: Delivery


class MerchantIn(Body):
    name: ShortText
    tier: str = DEFAULT_TIER


class TierIn(Body):
    tier: str


class ShopIn(Body):
    platform: PlatformName
    shop_id: ShopId
    callback_url: AnyHttpUrl | None = None


class SupplierCreated(BaseModel):
    """Shown once: only the key's hash is kept, so a lost key is replaced by rotating it."""

    id: str
    api_key: str
    #: Signs the pushes this supplier receives.
    webhook_secret: str


class MerchantCreated(BaseModel):
    """Shown once: only the key's hash is kept, so a lost key is replaced by rotating it."""

    id: str
    api_key: str


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


async def check_tier(edge: Edge, tier: str) -> None:
    """The early 422 for a tier no merchant may have; the worker applies the same rule."""
    if problem := unknown_tier(tier, await AccountsQueries(edge.db).known_tiers()):
        raise ApiError(422, "invalid_field", problem)


@router.post("/suppliers", status_code=201, responses=errors(503))
async def create_supplier(body: SupplierIn, edge: Edge, _: Operator) -> SupplierCreated:
    await check_delivery(edge, body.delivery)
    supplier_id = _new_id("sup")
    api_key, key_hash = new_api_key(SUPPLIER_KEY_PREFIX)
    secret = new_secret("whsec")
    await edge.ask(
        CreateSupplier(
            correlation_id=supplier_id,
            supplier_id=supplier_id,
            name=body.name,
            delivery=body.delivery,
            api_key_hash=key_hash,
            webhook_secret=secret,
        ),
    )
    return SupplierCreated(id=supplier_id, api_key=api_key, webhook_secret=secret)


@router.post("/merchants", status_code=201, responses=errors(503))
async def create_merchant(body: MerchantIn, edge: Edge, _: Operator) -> MerchantCreated:
    await check_tier(edge, body.tier)
    merchant_id = _new_id("mch")
    api_key, key_hash = new_api_key(MERCHANT_KEY_PREFIX)
    await edge.ask(
        CreateMerchant(
            correlation_id=merchant_id,
            merchant_id=merchant_id,
            name=body.name,
            tier=body.tier,
            api_key_hash=key_hash,
        ),
    )
    return MerchantCreated(id=merchant_id, api_key=api_key)


@router.patch("/merchants/{merchant_id}", responses=errors(404, 503))
async def change_tier(merchant_id: str, body: TierIn, edge: Edge, _: Operator) -> MerchantTierChanged:
    await check_tier(edge, body.tier)
    command = ChangeMerchantTier(correlation_id=merchant_id, merchant_id=merchant_id, tier=body.tier)
    return MerchantTierChanged.model_validate(await edge.ask(command))


@router.post("/merchants/{merchant_id}/shops", status_code=201, responses=errors(404, 409, 503))
async def add_shop(merchant_id: str, body: ShopIn, edge: Edge, _: Operator) -> ShopAdded:
    """The answer shows the shop's webhook secret: the platform signs its pushes with it."""
    await check_url(edge, body.callback_url, "callback_url")
    command = AddShop(
        correlation_id=merchant_id,
        merchant_id=merchant_id,
        platform=body.platform,
        shop_id=body.shop_id,
        callback_url=body.callback_url,
        webhook_secret=new_secret("shsec"),
    )
    return ShopAdded.model_validate(await edge.ask(command))
