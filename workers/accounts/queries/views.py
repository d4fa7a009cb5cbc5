"""What the edge shows of accounts: views that leave out secrets and storage details."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, TypeVar

from pydantic import BaseModel

from schemas.accounts import Delivery
from schemas.applications import ApplicantKind, Contact
from schemas.supplier_accounts import Channel
from workers.accounts.model import Application, ApplicationStatus, PlatformApp, Shop

V = TypeVar("V", bound=BaseModel)


class ShopWithApp(Shop):
    """A shop with, on an app-signed platform, the platform app whose secret signs its calls."""

    app: PlatformApp | None = None


class TierView(BaseModel):
    name: str
    source: Literal["settings", "operator"]
    created_at: datetime


class AccountView(BaseModel):
    """A supplier account as its supplier and the operator see it: never its secret.

    Views show a delivery as the API takes it (`schemas.accounts.Delivery`), one shape both ways.
    """

    id: str
    supplier_id: str
    name: str
    channel: Channel
    delivery: Delivery
    created_at: datetime


class ApplicationView(BaseModel):
    """Everything the operator reviews; never the applicant's token hash."""

    id: str
    kind: ApplicantKind
    status: ApplicationStatus
    company_name: str
    licence_no: str
    contact: Contact
    delivery: Delivery | None
    tier: str | None
    reason: str | None
    account_id: str | None
    created_at: datetime
    decided_at: datetime | None
    credentials_fetched_at: datetime | None

    @classmethod
    def of(cls, application: Application) -> ApplicationView:
        issued = application.credentials_issued
        hidden = {"token_hash", "open_slot", "decision_id", "credentials_issued"}
        return cls(
            **application.model_dump(exclude=hidden), credentials_fetched_at=issued.at if issued else None
        )
