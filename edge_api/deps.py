"""Typed FastAPI dependencies: the edge context and who is calling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from edge_api.auth import MERCHANT_KEY_PREFIX, SUPPLIER_KEY_PREFIX, Caller, hash_key, is_admin
from edge_api.context import EdgeContext
from edge_api.errors import ApiError
from edge_api.openapi import implies
from schemas.envelope import utcnow
from workers.accounts.queries import AccountsQueries


async def get_edge(request: Request) -> EdgeContext:
    # Async on purpose, as every dependency here: FastAPI runs a plain `def` dependency in its
    # thread pool, a hand-off to a thread and back on every request for a field read.
    edge: EdgeContext = request.app.state.edge
    return edge


Edge = Annotated[EdgeContext, Depends(get_edge)]


def _unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "missing or invalid credentials")


#: Declares the bearer scheme in the OpenAPI (the Authorize button of /docs); refusals are ours.
_bearer = HTTPBearer(auto_error=False, description="The operator token, or a supplier or merchant API key.")
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


@implies(401)
async def get_caller(credentials: Bearer, edge: Edge) -> Caller:
    if credentials is None or not credentials.credentials:
        raise _unauthorized()
    token = credentials.credentials
    if is_admin(token, edge.settings.admin_token):
        return Caller("operator")
    if not token.startswith((SUPPLIER_KEY_PREFIX, MERCHANT_KEY_PREFIX)):
        raise _unauthorized()
    key = await AccountsQueries(edge.db).api_key(hash_key(token))
    if key is None or not key.live_at(utcnow()):
        raise _unauthorized()
    return Caller(key.kind, key.owner_id, key.account_id)


AnyCaller = Annotated[Caller, Depends(get_caller)]


def require(*kinds: str) -> object:
    @implies(403)
    async def check(caller: AnyCaller) -> Caller:
        if caller.kind not in kinds:
            raise ApiError(403, "forbidden", f"this endpoint is for {' or '.join(kinds)} callers")
        return caller

    return Depends(check)


Operator = Annotated[Caller, require("operator")]
Supplier = Annotated[Caller, require("supplier")]
Merchant = Annotated[Caller, require("merchant")]
OperatorOrMerchant = Annotated[Caller, require("operator", "merchant")]
OperatorOrSupplier = Annotated[Caller, require("operator", "supplier")]
