"""Rotate API keys and webhook secrets; the old one keeps working for a grace period."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from edge_api.auth import MERCHANT_KEY_PREFIX, SUPPLIER_KEY_PREFIX, Caller, new_api_key
from edge_api.deps import AnyCaller, Edge
from edge_api.errors import not_found
from edge_api.openapi import errors
from juhe.settings import new_secret
from schemas.accounts import PlatformName, ShopId
from schemas.applications import ApiKeyRotated, RotateApiKey, RotateWebhookSecret, WebhookSecretRotated

router = APIRouter(prefix="/v1", tags=["rotation"])
MAX_GRACE_SECONDS = 30 * 86_400


class RotateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grace_seconds: StrictInt | None = Field(default=None, ge=0, le=MAX_GRACE_SECONDS)


class NewApiKey(ApiKeyRotated):
    """Shown once; the previous key keeps working until `previous_key_expires_at`."""

    api_key: str


class NewWebhookSecret(WebhookSecretRotated):
    """The previous secret is still accepted until `previous_secret_expires_at`."""

    webhook_secret: str


#: The holder is unknown or not the caller's (404), or the broker is down (503).
KEY_ERRORS = errors(404, 503)
#: ... or a rotation requested after this one has replaced the secret already (409).
SECRET_ERRORS = errors(404, 409, 503)


def _allow(caller: Caller, kind: Literal["supplier", "merchant"], owner_id: str) -> None:
    """The operator, or the party itself with its own key (not one of its accounts' keys)."""
    if caller.is_operator:
        return
    if caller.kind != kind or caller.id != owner_id or caller.account_id is not None:
        raise not_found(kind)


def _grace(body: RotateIn | None, edge: Edge) -> int:
    if body is None or body.grace_seconds is None:
        return edge.settings.key_rotation_grace_seconds
    return body.grace_seconds


async def _rotate_key(
    kind: Literal["supplier", "merchant"],
    owner_id: str,
    body: RotateIn | None,
    edge: Edge,
    account_id: str | None = None,
) -> NewApiKey:
    api_key, key_hash = new_api_key(SUPPLIER_KEY_PREFIX if kind == "supplier" else MERCHANT_KEY_PREFIX)
    command = RotateApiKey(
        correlation_id=owner_id,
        kind=kind,
        owner_id=owner_id,
        new_key_hash=key_hash,
        grace_seconds=_grace(body, edge),
        account_id=account_id,
    )
    rotated = ApiKeyRotated.model_validate(await edge.ask(command))
    return NewApiKey(api_key=api_key, **rotated.model_dump())


@router.post("/suppliers/{supplier_id}/api-keys/rotate", responses=KEY_ERRORS)
async def rotate_supplier_key(
    supplier_id: str, edge: Edge, caller: AnyCaller, body: RotateIn | None = None
) -> NewApiKey:
    _allow(caller, "supplier", supplier_id)
    return await _rotate_key("supplier", supplier_id, body, edge)


@router.post("/merchants/{merchant_id}/api-keys/rotate", responses=KEY_ERRORS)
async def rotate_merchant_key(
    merchant_id: str, edge: Edge, caller: AnyCaller, body: RotateIn | None = None
) -> NewApiKey:
    _allow(caller, "merchant", merchant_id)
    return await _rotate_key("merchant", merchant_id, body, edge)


@router.post("/suppliers/{supplier_id}/accounts/{account_id}/api-keys/rotate", responses=KEY_ERRORS)
async def rotate_account_key(
    supplier_id: str, account_id: str, edge: Edge, caller: AnyCaller, body: RotateIn | None = None
) -> NewApiKey:
    """One of the supplier's accounts gets a new key; the account's old key enters its grace."""
    _allow(caller, "supplier", supplier_id)
    return await _rotate_key("supplier", supplier_id, body, edge, account_id)


@router.post("/suppliers/{supplier_id}/accounts/{account_id}/webhook-secret/rotate", responses=SECRET_ERRORS)
async def rotate_account_secret(
    supplier_id: str, account_id: str, edge: Edge, caller: AnyCaller, body: RotateIn | None = None
) -> NewWebhookSecret:
    """From now on pushes to the account's ERP are signed with the new secret."""
    _allow(caller, "supplier", supplier_id)
    return await _rotate_secret(edge, body, supplier_id, "whsec", account_id=account_id)


async def _rotate_secret(
    edge: Edge, body: RotateIn | None, owner_id: str, prefix: str, **which: str
) -> NewWebhookSecret:
    """`which` names the secret's holder below the owner: an account, or a platform shop."""
    command = RotateWebhookSecret(
        correlation_id=owner_id,
        owner_id=owner_id,
        new_secret=new_secret(prefix),
        grace_seconds=_grace(body, edge),
        **which,
    )
    rotated = WebhookSecretRotated.model_validate(await edge.ask(command))
    return NewWebhookSecret(webhook_secret=command.new_secret, **rotated.model_dump())


@router.post("/suppliers/{supplier_id}/webhook-secret/rotate", responses=SECRET_ERRORS)
async def rotate_supplier_secret(
    supplier_id: str, edge: Edge, caller: AnyCaller, body: RotateIn | None = None
) -> NewWebhookSecret:
    """From now on pushes to the supplier are signed with the new secret."""
    _allow(caller, "supplier", supplier_id)
    return await _rotate_secret(edge, body, supplier_id, "whsec")


@router.post(
    "/merchants/{merchant_id}/shops/{platform}/{shop_id}/webhook-secret/rotate", responses=SECRET_ERRORS
)
async def rotate_shop_secret(
    merchant_id: str,
    platform: PlatformName,
    shop_id: ShopId,
    edge: Edge,
    caller: AnyCaller,
    body: RotateIn | None = None,
) -> NewWebhookSecret:
    """The shop signs with the new secret; the previous one is accepted until it expires."""
    _allow(caller, "merchant", merchant_id)
    return await _rotate_secret(edge, body, merchant_id, "shsec", platform=platform, shop_id=shop_id)
