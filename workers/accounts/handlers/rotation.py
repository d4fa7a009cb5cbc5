"""Credential rotation: old and new both valid for a grace period; a redelivery rotates once.

The new key (its hash) or secret identifies a rotation, and every expiry is computed from the
request's time, so repeating a rotation repeats its answer.
"""

from __future__ import annotations

from juhe.replies import Reply, ok, refuse
from schemas.applications import ApiKeyRotated, RotateApiKey, RotateWebhookSecret, WebhookSecretRotated
from workers.accounts.handlers.ports import CredentialStore
from workers.accounts.model import ApiKey, expiry, key_holder, secret_holder, secret_rotation

#: Compare-and-set attempts against rotations of the same secret racing this one.
CAS_ATTEMPTS = 5


async def rotate_api_key(cmd: RotateApiKey, *, repo: CredentialStore) -> Reply:
    """Store the new key, then end the grace of every key it supersedes (see `ApiKey.supersedes`)."""
    holder = key_holder(cmd)
    if not await repo.holder_exists(holder):
        return refuse("not_found", f"{holder.kind} not found")
    expires_at = expiry(cmd.occurred_at, cmd.grace_seconds)
    new = ApiKey(
        key_hash=cmd.new_key_hash,
        kind=cmd.kind,
        owner_id=cmd.owner_id,
        account_id=cmd.account_id,
        created_at=cmd.occurred_at,
    )
    await repo.insert_api_key(new)
    await repo.expire_superseded_keys(new, expires_at)
    return ok(ApiKeyRotated(previous_key_expires_at=expires_at).model_dump(mode="json"))


async def rotate_webhook_secret(cmd: RotateWebhookSecret, *, repo: CredentialStore) -> Reply:
    """The current secret becomes `previous_webhook_secret` until `previous_secret_expires_at`.

    A rotation requested before the holder's last one is refused: it would bring back a
    secret that was already replaced.
    """
    holder = secret_holder(cmd)
    expires_at = expiry(cmd.occurred_at, cmd.grace_seconds)
    answer = ok(WebhookSecretRotated(previous_secret_expires_at=expires_at).model_dump(mode="json"))
    for _ in range(CAS_ATTEMPTS):
        current = await repo.secret_holder(holder)
        if current is None:
            return refuse("not_found", f"{holder.kind} not found")
        if current.webhook_secret == cmd.new_secret:  # a redelivery of this rotation
            return answer
        if current.rotated_since(cmd.occurred_at):
            return refuse("conflict", f"the {holder.kind}'s secret was rotated again after this request")
        rotation = secret_rotation(current.webhook_secret, cmd)
        if await repo.swap_secret(holder, current.webhook_secret, rotation):
            return answer
    return refuse("conflict", f"the {holder.kind}'s secret is being rotated concurrently; try again")
