"""Typed FastAPI dependencies: the edge context and who is calling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from edge_api.auth import MERCHANT_KEY_PREFIX, SUPPLIER_KEY_PREFIX, Caller, hash_key, is_admin
from edge_api.context import EdgeContext
from edge_api.errors import ApiError


def get_edge(request: Request) -> EdgeContext:
    edge: EdgeContext = request.app.state.edge
    return edge


Edge = Annotated[EdgeContext, Depends(get_edge)]


def _unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "missing or invalid credentials")


async def get_caller(request: Request, edge: Edge) -> Caller:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized()
    if is_admin(token, edge.settings.admin_token):
        return Caller("operator")
    for prefix, collection, kind in (
        (SUPPLIER_KEY_PREFIX, "suppliers", "supplier"),
        (MERCHANT_KEY_PREFIX, "merchants", "merchant"),
    ):
        if token.startswith(prefix):
            doc = await edge.db[collection].find_one({"api_key_hash": hash_key(token)}, {"_id": 1})
            if doc is not None:
                return Caller(kind, doc["_id"])  # type: ignore[arg-type]
    raise _unauthorized()


AnyCaller = Annotated[Caller, Depends(get_caller)]


def require(*kinds: str) -> object:
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
