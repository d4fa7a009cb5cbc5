"""A supplier's accounts (ERP endpoints, JD or Meituan enterprise accounts) and routing rules.

The supplier manages them with its main key under /v1/supplier/...; the operator does the same
for any supplier under /v1/suppliers/{supplier_id}/.... An account's own key cannot.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.auth import SUPPLIER_KEY_PREFIX, Caller, new_api_key
from edge_api.deps import Edge, Operator, Supplier
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from edge_api.targets import check_delivery
from juhe.settings import new_secret
from juhe.store.pages import Page
from schemas.accounts import Delivery
from schemas.common import ShortText
from schemas.supplier_accounts import (
    Channel,
    CreateSupplierAccount,
    RoutingRule,
    RoutingRules,
    SetSupplierRouting,
)
from workers.accounts.model import merchants_named, rules_problem
from workers.accounts.queries import AccountsQueries, AccountView

router = APIRouter(prefix="/v1", tags=["supplier accounts"])


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText
    channel: Channel
    delivery: Delivery


class RoutingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rules: list[RoutingRule] = Field(max_length=1000)


class AccountCreated(BaseModel):
    """Shown once: only the key's hash is kept."""

    id: str
    api_key: str
    #: Signs the pushes this account receives.
    webhook_secret: str


def main_key(caller: Caller) -> str:
    if caller.account_id is not None:
        raise ApiError(403, "forbidden", "accounts and routing need the supplier's main key")
    assert caller.id is not None
    return caller.id


async def known_supplier(edge: Edge, supplier_id: str) -> str:
    if await AccountsQueries(edge.db).supplier(supplier_id) is None:
        raise not_found("supplier")
    return supplier_id


async def _create(edge: Edge, supplier_id: str, body: AccountIn) -> AccountCreated:
    await check_delivery(edge, body.delivery)
    account_id = f"acc_{secrets.token_hex(8)}"
    api_key, key_hash = new_api_key(SUPPLIER_KEY_PREFIX)
    secret = new_secret("whsec")
    await edge.ask(
        CreateSupplierAccount(
            correlation_id=account_id,
            account_id=account_id,
            supplier_id=supplier_id,
            name=body.name,
            channel=body.channel,
            delivery=body.delivery,
            api_key_hash=key_hash,
            webhook_secret=secret,
        )
    )
    return AccountCreated(id=account_id, api_key=api_key, webhook_secret=secret)


async def _list(edge: Edge, supplier_id: str, limit: int, cursor: str | None) -> Page[AccountView]:
    return await AccountsQueries(edge.db).supplier_accounts(supplier_id, cursor, limit)


async def _set_rules(edge: Edge, supplier_id: str, body: RoutingIn) -> RoutingRules:
    """The early 422 applies the worker's own check of the rules, on the same data."""
    accounts = AccountsQueries(edge.db)
    problem = rules_problem(
        body.rules,
        await accounts.account_ids(supplier_id),
        await accounts.existing_merchants(merchants_named(body.rules)),
        await accounts.known_tiers(),
    )
    if problem:
        raise ApiError(422, "invalid_field", problem)
    command = SetSupplierRouting(correlation_id=supplier_id, supplier_id=supplier_id, rules=body.rules)
    return RoutingRules.model_validate(await edge.ask(command))


async def _rules(edge: Edge, supplier_id: str) -> RoutingRules:
    """Answered without the selectors a rule does not use (`response_model_exclude_none`)."""
    rules = await AccountsQueries(edge.db).routing_rules([supplier_id])
    return RoutingRules(rules=rules.get(supplier_id, []))


@router.post("/supplier/accounts", status_code=201, responses=errors(404, 409, 503))
async def create_account(body: AccountIn, edge: Edge, caller: Supplier) -> AccountCreated:
    return await _create(edge, main_key(caller), body)


@router.get("/supplier/accounts")
async def list_accounts(
    edge: Edge, caller: Supplier, limit: Limit = 50, cursor: Cursor = None
) -> Page[AccountView]:
    return await _list(edge, main_key(caller), limit, cursor)


@router.put("/supplier/routing", responses=errors(503), response_model_exclude_none=True)
async def set_routing(body: RoutingIn, edge: Edge, caller: Supplier) -> RoutingRules:
    return await _set_rules(edge, main_key(caller), body)


@router.get("/supplier/routing", response_model_exclude_none=True)
async def get_routing(edge: Edge, caller: Supplier) -> RoutingRules:
    return await _rules(edge, main_key(caller))


@router.post("/suppliers/{supplier_id}/accounts", status_code=201, responses=errors(404, 409, 503))
async def create_account_for(supplier_id: str, body: AccountIn, edge: Edge, _: Operator) -> AccountCreated:
    return await _create(edge, supplier_id, body)


@router.get("/suppliers/{supplier_id}/accounts", responses=errors(404))
async def list_accounts_of(
    supplier_id: str, edge: Edge, _: Operator, limit: Limit = 50, cursor: Cursor = None
) -> Page[AccountView]:
    return await _list(edge, await known_supplier(edge, supplier_id), limit, cursor)


@router.put("/suppliers/{supplier_id}/routing", responses=errors(404, 503), response_model_exclude_none=True)
async def set_routing_for(supplier_id: str, body: RoutingIn, edge: Edge, _: Operator) -> RoutingRules:
    return await _set_rules(edge, await known_supplier(edge, supplier_id), body)


@router.get("/suppliers/{supplier_id}/routing", responses=errors(404), response_model_exclude_none=True)
async def get_routing_of(supplier_id: str, edge: Edge, _: Operator) -> RoutingRules:
    return await _rules(edge, await known_supplier(edge, supplier_id))
