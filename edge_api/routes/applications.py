"""Online signing: anyone applies, the operator reviews, the applicant fetches credentials once."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, ConfigDict

from edge_api.auth import MERCHANT_KEY_PREFIX, SUPPLIER_KEY_PREFIX, hash_key, new_api_key
from edge_api.deps import Edge, Operator
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from edge_api.ratelimit import RATE_LIMITED, application_buckets
from edge_api.targets import check_delivery
from juhe.settings import new_secret
from juhe.store.pages import Page
from schemas.accounts import Delivery
from schemas.applications import (
    ApplicantKind,
    ApplicationDecided,
    ApproveApplication,
    Contact,
    CredentialsIssued,
    IssueCredentials,
    LicenceNo,
    RejectApplication,
    SubmitApplication,
)
from schemas.common import ShortText
from workers.accounts.model import (
    ALREADY_FETCHED,
    STILL_OPENING,
    Application,
    ApplicationStatus,
    approval_problem,
)
from workers.accounts.queries import AccountsQueries, ApplicationView

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


class ApplicationReceived(BaseModel):
    id: str
    status: Literal["pending"]
    #: Shown once: with it the applicant fetches its credentials after the approval.
    application_token: str


class Credentials(BaseModel):
    """Shown once; a supplier also gets the secret the pushes it receives are signed with."""

    account_id: str
    kind: ApplicantKind
    api_key: str
    webhook_secret: str | None = None


@router.post("/applications", status_code=201, responses={**errors(409, 503), **RATE_LIMITED})
async def apply(body: ApplicationIn, request: Request, edge: Edge) -> ApplicationReceived:
    body.check_delivery()
    address = request.client.host if request.client else "unknown"
    if wait := application_buckets(request).take(address):
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
    return ApplicationReceived(id=application_id, status="pending", application_token=token)


@router.get("/applications")
async def list_applications(
    edge: Edge,
    _: Operator,
    status: Annotated[ApplicationStatus | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ApplicationView]:
    return await AccountsQueries(edge.db).applications(status, cursor, limit)


async def _application(edge: Edge, application_id: str) -> Application:
    application = await AccountsQueries(edge.db).application(application_id)
    if application is None:
        raise not_found("application")
    return application


@router.get("/applications/{application_id}", responses=errors(404))
async def get_application(application_id: str, edge: Edge, _: Operator) -> ApplicationView:
    return ApplicationView.of(await _application(edge, application_id))


@router.post("/applications/{application_id}/approve", responses=errors(404, 409, 503))
async def approve(
    application_id: str, edge: Edge, _: Operator, body: ApproveIn | None = None
) -> ApplicationDecided:
    tier = body.tier if body else None
    application = await _application(edge, application_id)
    if problem := approval_problem(application.kind, tier, await AccountsQueries(edge.db).known_tiers()):
        raise ApiError(422, "invalid_field", problem)
    prefix = "sup" if application.kind == "supplier" else "mch"
    command = ApproveApplication(
        correlation_id=application_id,
        application_id=application_id,
        account_id=f"{prefix}_{secrets.token_hex(8)}",
        tier=tier,
        webhook_secret=new_secret("whsec"),
    )
    return ApplicationDecided.model_validate(await edge.ask(command))


@router.post("/applications/{application_id}/reject", responses=errors(404, 409, 503))
async def reject(application_id: str, body: RejectIn, edge: Edge, _: Operator) -> ApplicationDecided:
    command = RejectApplication(
        correlation_id=application_id, application_id=application_id, reason=body.reason
    )
    return ApplicationDecided.model_validate(await edge.ask(command))


async def _ready_to_issue(edge: Edge, application: Application) -> None:
    """Only ask once approval (terminal) has opened the account.

    A request the worker refused as "not yet" could be redelivered after the approval and
    then succeed with a key nobody holds; asking only when ready keeps every outcome final.
    """
    if application.credentials_issued is not None:
        raise ApiError(410, "gone", ALREADY_FETCHED)
    if problem := application.not_approved():
        raise ApiError(409, "conflict", problem)
    account_id = application.account_id
    if account_id is None or not await AccountsQueries(edge.db).party_exists(application.kind, account_id):
        raise ApiError(409, "conflict", STILL_OPENING)


@router.post(
    "/applications/{application_id}/credentials",
    responses=errors(401, 409, 410, 503),
    response_model_exclude_none=True,
)
async def fetch_credentials(
    application_id: str, edge: Edge, authorization: Annotated[str, Header()] = ""
) -> Credentials:
    """The applicant, with its application token; the key is made here and only its hash stored."""
    application = await AccountsQueries(edge.db).application(application_id)
    scheme, _, token = authorization.partition(" ")
    given = hash_key(token) if scheme.lower() == "bearer" and token else ""
    if application is None or not hmac.compare_digest(given.encode(), application.token_hash.encode()):
        raise ApiError(401, "unauthorized", "missing or invalid application token")
    await _ready_to_issue(edge, application)
    prefix = SUPPLIER_KEY_PREFIX if application.kind == "supplier" else MERCHANT_KEY_PREFIX
    api_key, key_hash = new_api_key(prefix)
    command = IssueCredentials(
        correlation_id=application_id, application_id=application_id, api_key_hash=key_hash
    )
    issued = CredentialsIssued.model_validate(await edge.ask(command))
    return Credentials(**issued.model_dump(), api_key=api_key)
