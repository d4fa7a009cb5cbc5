"""Merchants, suppliers, their accounts and shops, and the platform apps, as stored."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from schemas.accounts import PullDelivery as PullDeliveryIn
from schemas.accounts import WebhookDelivery as WebhookDeliveryIn
from schemas.supplier_accounts import Channel

PartyKind = Literal["supplier", "merchant"]


class Stored(BaseModel):
    """A stored document: `_id` by alias; fields it does not know are ignored; never changed in place."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")


class PullDelivery(BaseModel):
    model_config = ConfigDict(frozen=True)
    mode: Literal["pull"]


class WebhookDelivery(BaseModel):
    model_config = ConfigDict(frozen=True)
    mode: Literal["webhook"]
    url: str


#: How a supplier (or one of its accounts) gets its sub-orders: it pulls them, or we push them.
Delivery = Annotated[PullDelivery | WebhookDelivery, Field(discriminator="mode")]
_DELIVERY: TypeAdapter[PullDelivery | WebhookDelivery] = TypeAdapter(Delivery)


def stored_delivery(given: PullDeliveryIn | WebhookDeliveryIn) -> PullDelivery | WebhookDelivery:
    """The delivery a request asked for, as stored (its URL as the text it was checked to be)."""
    return _DELIVERY.validate_python(given.model_dump(mode="json"))


class SecretHolder(Stored):
    """Signs with a secret that rotates: the previous one is still accepted until its grace ends."""

    webhook_secret: str
    previous_webhook_secret: str | None = None
    previous_secret_expires_at: datetime | None = None
    secret_rotated_at: datetime | None = None

    def rotated_since(self, at: datetime) -> bool:
        """True when a rotation requested at or after `at` has already replaced the secret."""
        return self.secret_rotated_at is not None and self.secret_rotated_at >= at


class Merchant(Stored):
    id: str = Field(alias="_id")
    name: str
    tier: str
    created_at: datetime


class Supplier(SecretHolder):
    id: str = Field(alias="_id")
    name: str
    delivery: Delivery
    created_at: datetime

    @property
    def push_url(self) -> str | None:
        """Where its sub-orders are pushed; None when it pulls them."""
        return self.delivery.url if isinstance(self.delivery, WebhookDelivery) else None


class SupplierAccount(SecretHolder):
    """One of a supplier's channels (its ERP, a JD or Meituan enterprise account), with its own key."""

    id: str = Field(alias="_id")
    supplier_id: str
    name: str
    channel: Channel
    delivery: Delivery
    created_at: datetime

    @property
    def push_url(self) -> str | None:
        return self.delivery.url if isinstance(self.delivery, WebhookDelivery) else None


def shop_key(platform: str, shop_id: str) -> str:
    return f"{platform}:{shop_id}"


class Shop(SecretHolder):
    """A merchant's shop on a platform; the platform's pushes for it are signed with its secret."""

    key: str = Field(alias="_id")
    merchant_id: str
    platform: str
    shop_id: str
    callback_url: str | None = None
    created_at: datetime

    def for_adapters(self) -> dict[str, Any]:
        """The plain mapping the platform adapters of `juhe.platforms` read (they import no area)."""
        return self.model_dump()


class PlatformApp(Stored):
    """The operator's ISV app on a platform. The secret is kept as given: platforms sign with it."""

    platform: str = Field(alias="_id")
    app_key: str
    app_secret: str
    updated_at: datetime

    def for_adapters(self) -> dict[str, Any]:
        return self.model_dump()
