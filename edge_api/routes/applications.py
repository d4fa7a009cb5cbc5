"""Online signing: anyone applies, the operator reviews, the applicant fetches credentials once."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, ConfigDict

from edge_api.auth import MERCHANT_KEY_PREFIX, SUPPLIER_KEY_PREFIX, hash_key, new_api_key
from edge_api.deps import Edge, Operator
from edge_api.errors import ApiError, not_found
from edge_api.pagination import Cursor, Limit, page
from edge_api.ratelimit import TokenBuckets
from edge_api.targets import check_delivery
from juhe.settings import new_secret
from schemas.accounts import Delivery
from schemas.applications import (
    ApplicantKind,
    ApproveApplication,
    Contact,
    IssueCredentials,
    LicenceNo,
    RejectApplication,
    SubmitApplication,
)
from schemas.common import ShortText
from workers.accounts.queries import AccountsQueries

router = APIRouter(prefix="/v1", tags=["applications"])
TOKEN_PREFIX = "apptok"


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: ApplicantKind
    company_name: ShortText
    licence_no: LicenceNo
    contact: Contact
    delivery: Delivery | None = None

    def check_delivery(self) -> None:
        if self.kind == "supplier" and self.delivery is None:
            raise ApiError(422, "invalid_field", "delivery: required when kind is supplier")
        if self.kind == "merchant" and self.delivery is not None:
            raise ApiError(422, "invalid_field", "delivery: only suppliers have a delivery")


class ApproveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tier: str | None = None


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: ShortText


def limiter(request: Request) -> TokenBuckets:
    """One set of buckets per app (per edge process), made on first use."""
    state = request.app.state
    if not hasattr(state, "application_limiter"):
        settings = state.edge.settings
        state.application_limiter = TokenBuckets(
            settings.application_rate_burst, settings.application_rate_per_hour
        )
    buckets: TokenBuckets = state.application_limiter
    return buckets


@router.post("/applications", status_code=201)
async def apply(body: ApplicationIn, request: Request, edge: Edge) -> dict[str, str]:
    body.check_delivery()
    address = request.client.host if request.client else "unknown"
    if wait := limiter(request).take(address):
        raise ApiError(
            429, "rate_limited", f"too many applications; retry in {wait} s", {"Retry-After": str(wait)}
        )
    await check_delivery(edge, body.delivery)  # after the limit: it may look a name up
    application_id = f"app_{secrets.token_hex(8)}"
    token = new_secret(TOKEN_PREFIX)
    await edge.ask(
        SubmitApplication(
            correlation_id=application_id,
            application_id=application_id,
            token_hash=hash_key(token),
            **body.model_dump(),
        )
    )
    return {"id": application_id, "status": "pending", "application_token": token}


def render(doc: dict[str, Any]) -> dict[str, Any]:
    """Everything the operator reviews; never the token hash."""
    issued = doc.get("credentials_issued")
    return {
        "id": doc["_id"],
        **{k: doc.get(k) for k in ("kind", "status", "company_name", "licence_no", "contact")},
        **{k: doc.get(k) for k in ("delivery", "tier", "reason", "account_id")},
        "created_at": doc["created_at"],
        "decided_at": doc.get("decided_at"),
        "credentials_fetched_at": issued["at"] if issued else None,
    }


@router.get("/applications")
async def list_applications(
    edge: Edge,
    _: Operator,
    status: Annotated[Literal["pending", "approved", "rejected"] | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    query = {} if status is None else {"status": status}
    collection = edge.db["applications"]
    return await page(
        collection, query, field="_id", limit=limit, cursor=cursor, descending=False, render=render
    )


@router.get("/applications/{application_id}")
async def get_application(application_id: str, edge: Edge, _: Operator) -> dict[str, Any]:
    doc = await edge.db["applications"].find_one({"_id": application_id})
    if doc is None:
        raise not_found("application")
    return render(doc)


@router.post("/applications/{application_id}/approve")
async def approve(
    application_id: str, edge: Edge, _: Operator, body: ApproveIn | None = None
) -> dict[str, Any]:
    tier = body.tier if body else None
    doc = await edge.db["applications"].find_one({"_id": application_id}, {"kind": 1})
    if doc is None:
        raise not_found("application")
    if tier is not None and doc["kind"] == "supplier":
        raise ApiError(422, "invalid_field", "tier: only merchants have a tier")
    if tier is not None and tier not in (tiers := await AccountsQueries(edge.db).known_tiers()):
        raise ApiError(422, "invalid_field", f"tier: unknown tier {tier!r}; known: {tiers}")
    prefix = "sup" if doc["kind"] == "supplier" else "mch"
    command = ApproveApplication(
        correlation_id=application_id,
        application_id=application_id,
        account_id=f"{prefix}_{secrets.token_hex(8)}",
        tier=tier,
        webhook_secret=new_secret("whsec"),
    )
    return await edge.ask(command)


@router.post("/applications/{application_id}/reject")
async def reject(application_id: str, body: RejectIn, edge: Edge, _: Operator) -> dict[str, Any]:
    command = RejectApplication(
        correlation_id=application_id, application_id=application_id, reason=body.reason
    )
    return await edge.ask(command)


async def _ready_to_issue(edge: Edge, doc: dict[str, Any]) -> None:
    """Only ask once approval (terminal) has opened the account.

    A request the worker refused as "not yet" could be redelivered after the approval and
    then succeed with a key nobody holds; asking only when ready keeps every outcome final.
    """
    if doc["credentials_issued"] is not None:
        raise ApiError(410, "gone", "the credentials of this application were already fetched")
    if doc["status"] != "approved":
        raise ApiError(409, "conflict", f"application is {doc['status']}, not approved")
    owners = "suppliers" if doc["kind"] == "supplier" else "merchants"
    if await edge.db[owners].find_one({"_id": doc["account_id"]}, {"_id": 1}) is None:
        raise ApiError(409, "conflict", "the account is still being opened; try again shortly")


@router.post("/applications/{application_id}/credentials")
async def fetch_credentials(
    application_id: str, edge: Edge, authorization: Annotated[str, Header()] = ""
) -> dict[str, Any]:
    """The applicant, with its application token; the key is made here and only its hash stored."""
    doc = await edge.db["applications"].find_one({"_id": application_id})
    scheme, _, token = authorization.partition(" ")
    given = hash_key(token) if scheme.lower() == "bearer" and token else ""
    if doc is None or not hmac.compare_digest(given.encode(), doc["token_hash"].encode()):
        raise ApiError(401, "unauthorized", "missing or invalid application token")
    await _ready_to_issue(edge, doc)
    api_key, key_hash = new_api_key(SUPPLIER_KEY_PREFIX if doc["kind"] == "supplier" else MERCHANT_KEY_PREFIX)
    reply = await edge.ask(
        IssueCredentials(correlation_id=application_id, application_id=application_id, api_key_hash=key_hash)
    )
    return {**reply, "api_key": api_key}
