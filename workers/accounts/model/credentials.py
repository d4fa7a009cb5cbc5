"""API keys and secret rotation: the old credential stays valid for a grace period, then ends.

The edge makes every new key (only its hash comes here) and secret, so a rotation is
identified by its new credential, and every expiry is computed from the request's time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from schemas.applications import RotateApiKey, RotateWebhookSecret
from workers.accounts.model.parties import PartyKind, Stored, shop_key


class ApiKey(Stored):
    """One document per key, keyed by its hash: the edge finds a caller with one `_id` read."""

    key_hash: str = Field(alias="_id")
    kind: PartyKind
    owner_id: str
    #: Set when the key is one of a supplier's accounts' rather than the supplier's main key.
    account_id: str | None = None
    #: None while the key is current; a rotation sets it to the end of the key's grace.
    expires_at: datetime | None = None
    #: Optional only so keys written by hand (the bench's seed) still load.
    created_at: datetime | None = None

    def live_at(self, now: datetime) -> bool:
        """A current key, or a rotated one whose grace has not ended yet."""
        return self.expires_at is None or self.expires_at > now

    def supersedes(self, other: ApiKey) -> bool:
        """This new key ends the grace of `other`: a live key of the same holder made before it.

        Only keys made before the rotation are cut, so a late redelivery of an older rotation
        never cuts short a key issued after it.
        """
        same_holder = (other.owner_id, other.kind, other.account_id) == (
            self.owner_id,
            self.kind,
            self.account_id,
        )
        older = (
            other.created_at is not None
            and self.created_at is not None
            and other.created_at < self.created_at
        )
        return same_holder and older and other.expires_at is None


def expiry(at: datetime, grace_seconds: int) -> datetime:
    """End of a grace period, to the millisecond the store keeps, so the reply equals the record."""
    end = at + timedelta(seconds=grace_seconds)
    return end.replace(microsecond=end.microsecond // 1000 * 1000)


HolderKind = Literal["supplier", "merchant", "account", "shop"]


class Holder(NamedTuple):
    """Who holds a key or a secret: a party itself (`id == owner_id`), or its account or shop."""

    kind: HolderKind
    id: str
    owner_id: str


def key_holder(cmd: RotateApiKey) -> Holder:
    """A main key and each of a supplier's accounts' keys rotate apart."""
    if cmd.account_id is not None:
        return Holder("account", cmd.account_id, cmd.owner_id)
    return Holder(cmd.kind, cmd.owner_id, cmd.owner_id)


def secret_holder(cmd: RotateWebhookSecret) -> Holder:
    """A supplier's push secret, one of its accounts' (`account_id`), or a shop's (`shop_id`)."""
    if cmd.account_id is not None:
        return Holder("account", cmd.account_id, cmd.owner_id)
    if cmd.shop_id is None:
        return Holder("supplier", cmd.owner_id, cmd.owner_id)
    return Holder("shop", shop_key(cmd.platform or "", cmd.shop_id), cmd.owner_id)


class SecretRotation(BaseModel):
    """What a rotation sets on the holder, in one compare-and-set on its current secret."""

    model_config = ConfigDict(frozen=True)
    webhook_secret: str
    previous_webhook_secret: str
    previous_secret_expires_at: datetime
    secret_rotated_at: datetime


def secret_rotation(current: str, cmd: RotateWebhookSecret) -> SecretRotation:
    return SecretRotation(
        webhook_secret=cmd.new_secret,
        previous_webhook_secret=current,
        previous_secret_expires_at=expiry(cmd.occurred_at, cmd.grace_seconds),
        secret_rotated_at=cmd.occurred_at,
    )
