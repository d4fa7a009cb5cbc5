"""API keys and the secrets of suppliers, their accounts and shops: stored, superseded, rotated."""

from __future__ import annotations

from datetime import datetime

from workers.accounts.model import (
    ApiKey,
    Holder,
    HolderKind,
    SecretHolder,
    SecretRotation,
    Shop,
    Supplier,
    SupplierAccount,
)
from workers.accounts.queries import API_KEYS, MERCHANTS, SHOPS, SUPPLIER_ACCOUNTS, SUPPLIERS
from workers.accounts.repository.base import Doc, Writer

#: Per holder kind: its collection, and the field naming its owner (None: it is the owner).
HOLDERS: dict[HolderKind, tuple[str, str | None]] = {
    "supplier": (SUPPLIERS, None),
    "merchant": (MERCHANTS, None),
    "account": (SUPPLIER_ACCOUNTS, "supplier_id"),
    "shop": (SHOPS, "merchant_id"),
}
SECRET_HOLDERS: dict[HolderKind, type[SecretHolder]] = {
    "supplier": Supplier,
    "account": SupplierAccount,
    "shop": Shop,
}


class CredentialWrites(Writer):
    async def insert_api_key(self, key: ApiKey) -> ApiKey:
        return await self._insert_once(self._db[API_KEYS], key)

    async def expire_superseded_keys(self, new: ApiKey, expires_at: datetime) -> None:
        superseded = {  # the filter form of ApiKey.supersedes
            "owner_id": new.owner_id,
            "kind": new.kind,
            "account_id": new.account_id,
            "expires_at": None,
            "created_at": {"$lt": new.created_at},
        }
        await self._db[API_KEYS].update_many(superseded, {"$set": {"expires_at": expires_at}})

    async def purge_expired_keys(self, now: datetime) -> int:
        """Delete keys whose grace period is over: they are refused already, this only tidies."""
        result = await self._db[API_KEYS].delete_many({"expires_at": {"$lt": now}})
        return result.deleted_count

    async def holder_exists(self, holder: Holder) -> bool:
        collection, selector = _holder(holder)
        return await self._db[collection].find_one(selector, {"_id": 1}) is not None

    async def secret_holder(self, holder: Holder) -> SecretHolder | None:
        collection, selector = _holder(holder)
        doc = await self._db[collection].find_one(selector)
        return None if doc is None else SECRET_HOLDERS[holder.kind].model_validate(doc)

    async def swap_secret(self, holder: Holder, current: str, rotation: SecretRotation) -> bool:
        collection, selector = _holder(holder)
        swapped = await self._db[collection].update_one(
            {**selector, "webhook_secret": current}, {"$set": rotation.model_dump()}
        )
        return swapped.matched_count == 1


def _holder(holder: Holder) -> tuple[str, Doc]:
    """The holder's collection and its selector; an account or shop only under its owner."""
    collection, owner_field = HOLDERS[holder.kind]
    selector = {"_id": holder.id} if owner_field is None else {"_id": holder.id, owner_field: holder.owner_id}
    return collection, selector
