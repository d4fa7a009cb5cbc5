"""Requests answered by the accounts worker (request/reply over the broker)."""

from __future__ import annotations

import hashlib
from typing import Annotated, ClassVar, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints

from schemas.common import Frozen, ShortText
from schemas.envelope import Command

PlatformName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,31}$")]
ShopId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")]


class PullDelivery(Frozen):
    mode: Literal["pull"]


class WebhookDelivery(Frozen):
    mode: Literal["webhook"]
    url: AnyHttpUrl


Delivery = Annotated[PullDelivery | WebhookDelivery, Field(discriminator="mode")]


class CreateSupplier(Command):
    NAME: ClassVar[str] = "accounts.create_supplier"
    supplier_id: str
    name: ShortText
    delivery: Delivery
    api_key_hash: str
    webhook_secret: str


class CreateMerchant(Command):
    NAME: ClassVar[str] = "accounts.create_merchant"
    merchant_id: str
    name: ShortText
    tier: str
    api_key_hash: str


class ChangeMerchantTier(Command):
    NAME: ClassVar[str] = "accounts.change_merchant_tier"
    merchant_id: str
    tier: str


class AddShop(Command):
    NAME: ClassVar[str] = "accounts.add_shop"
    merchant_id: str
    platform: PlatformName
    shop_id: ShopId
    callback_url: AnyHttpUrl | None = None
    webhook_secret: str


class RegisterPlatformApp(Command):
    """The operator's ISV app credentials on a platform (douyin, taobao, pdd)."""

    NAME: ClassVar[str] = "accounts.register_platform_app"
    platform: PlatformName
    app_key: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    app_secret: Annotated[str, StringConstraints(min_length=1, max_length=256)]

    def business_key(self) -> str:
        secret_digest = hashlib.sha256(self.app_secret.encode()).hexdigest()
        return f"{self.platform}|{self.app_key}|{secret_digest}"


class Answer(BaseModel):
    """A worker's answer to a request; like any contract it grows only by optional fields."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Created(Answer):
    """The answer to CreateSupplier, CreateMerchant and CreateSupplierAccount."""

    id: str


class MerchantTierChanged(Answer):
    id: str
    tier: str


class ShopAdded(Answer):
    platform: str
    shop_id: str
    webhook_secret: str


class PlatformAppRegistered(Answer):
    platform: str
    app_key: str
