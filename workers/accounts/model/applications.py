"""Online applications: pending → approved (the account opens) or rejected; credentials once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.applications import ApplicantKind, Contact
from workers.accounts.model.parties import Delivery, Stored
from workers.accounts.model.tiers import DEFAULT_TIER, unknown_tier

ApplicationStatus = Literal["pending", "approved", "rejected"]
#: While pending, `open_slot` is this constant, so the unique index on (kind, licence_no,
#: open_slot) allows one pending application per licence; a decision frees the slot.
PENDING_SLOT = "pending"
ALREADY_FETCHED = "the credentials of this application were already fetched"
STILL_OPENING = "the account is still being opened; try again shortly"


class IssueMarker(BaseModel):
    """Which key the credentials were issued with: its request's redelivery is told apart."""

    model_config = ConfigDict(frozen=True)
    key_hash: str
    at: datetime


class Decision(BaseModel):
    """What deciding sets on a pending application, in one conditional update."""

    model_config = ConfigDict(frozen=True)
    status: Literal["approved", "rejected"]
    #: The deciding request's message id: its redelivery finds its own decision.
    decision_id: str
    decided_at: datetime
    account_id: str | None = None
    tier: str | None = None
    reason: str | None = None
    #: The application's own id: frees the licence's pending slot.
    open_slot: str


class Application(Stored):
    id: str = Field(alias="_id")
    kind: ApplicantKind
    company_name: str
    licence_no: str
    contact: Contact
    delivery: Delivery | None = None
    #: Only the hash of the applicant's token: it proves the applicant when fetching credentials.
    token_hash: str
    status: ApplicationStatus = "pending"
    open_slot: str = PENDING_SLOT
    created_at: datetime
    decision_id: str | None = None
    account_id: str | None = None
    tier: str | None = None
    reason: str | None = None
    decided_at: datetime | None = None
    credentials_issued: IssueMarker | None = None

    def decided(self, decision: Decision) -> Application | None:
        """The application after `decision`, or None unless it is pending: a decision is final."""
        if self.status != "pending":
            return None
        return self.model_copy(update=decision.model_dump())

    def issued(self, marker: IssueMarker) -> Application | None:
        """Marked issued, or None unless approved and not issued yet: credentials are shown once."""
        if self.status != "approved" or self.credentials_issued is not None:
            return None
        return self.model_copy(update={"credentials_issued": marker})

    def not_pending(self) -> str:
        return f"application is {self.status}, not pending"

    def not_approved(self) -> str | None:
        """Why credentials cannot be issued yet (or ever), else None."""
        return None if self.status == "approved" else f"application is {self.status}, not approved"


def approval_tier(kind: ApplicantKind, asked: str | None) -> str | None:
    """A merchant opens at the tier asked for, or the default; a supplier has no tier."""
    if kind == "supplier":
        return None
    return asked or DEFAULT_TIER


def approval_problem(kind: ApplicantKind, asked: str | None, known: Sequence[str]) -> str | None:
    """Why an approval at tier `asked` is invalid, naming the field; None when it is sound."""
    if asked is not None and kind == "supplier":
        return "tier: only merchants have a tier"
    tier = approval_tier(kind, asked)
    return None if tier is None else unknown_tier(tier, known)
