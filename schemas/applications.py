"""Online applications, operator-managed tiers and credential rotation (accounts worker)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, StringConstraints

from schemas.accounts import Answer, Delivery
from schemas.common import Frozen, Seconds, ShortText
from schemas.envelope import Command

ApplicantKind = Literal["supplier", "merchant"]
LicenceNo = Annotated[str, StringConstraints(min_length=5, max_length=64, pattern=r"^[A-Za-z0-9\-]+$")]
Phone = Annotated[str, StringConstraints(min_length=3, max_length=32, pattern=r"^\+?[0-9 \-]+$")]
#: A tier name is used as a field path (`tier_prices.<name>`), so no dots or `$`.
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
TierName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,31}$")]


class Contact(Frozen):
    name: ShortText
    phone: Phone
    email: Email | None = None


class SubmitApplication(Command):
    NAME: ClassVar[str] = "accounts.submit_application"
    application_id: str
    kind: ApplicantKind
    company_name: ShortText
    licence_no: LicenceNo
    contact: Contact
    delivery: Delivery | None = None
    token_hash: str


class ApproveApplication(Command):
    """`account_id` and `webhook_secret` come from the edge, so a redelivery creates nothing new."""

    NAME: ClassVar[str] = "accounts.approve_application"
    application_id: str
    account_id: str
    tier: str | None = None
    webhook_secret: str

    def business_key(self) -> str:
        return f"{self.application_id}|{self.account_id}"


class RejectApplication(Command):
    NAME: ClassVar[str] = "accounts.reject_application"
    application_id: str
    reason: ShortText

    def business_key(self) -> str:
        return f"{self.application_id}|{self.reason}|{self.occurred_at.isoformat()}"


class IssueCredentials(Command):
    """Mark an approved application's credentials issued; only the key's hash is stored."""

    NAME: ClassVar[str] = "accounts.issue_credentials"
    application_id: str
    api_key_hash: str

    def business_key(self) -> str:
        return f"{self.application_id}|{self.api_key_hash}"


class AddTier(Command):
    NAME: ClassVar[str] = "accounts.add_tier"
    name: TierName
    request_id: str

    def business_key(self) -> str:
        return f"{self.name}|{self.request_id}"


class RotateApiKey(Command):
    """The new key's hash identifies the rotation: a redelivery does not rotate twice."""

    NAME: ClassVar[str] = "accounts.rotate_api_key"
    kind: Literal["supplier", "merchant"]
    owner_id: str
    new_key_hash: str
    grace_seconds: Seconds
    #: Set to rotate the key of one of the supplier's accounts instead of its main key.
    account_id: str | None = None

    def business_key(self) -> str:
        return self.new_key_hash


class RotateWebhookSecret(Command):
    """A supplier's (or one of its accounts') push-signing secret, or a shop's webhook secret."""

    NAME: ClassVar[str] = "accounts.rotate_webhook_secret"
    owner_id: str
    platform: str | None = None
    shop_id: str | None = None
    account_id: str | None = None
    new_secret: str
    grace_seconds: Seconds

    def business_key(self) -> str:
        return f"{self.owner_id}|{self.platform}|{self.shop_id}|{self.account_id}|{self.new_secret}"


class ApplicationSubmitted(Answer):
    id: str
    status: Literal["pending"]


class ApplicationDecided(Answer):
    id: str
    status: Literal["approved", "rejected"]
    account_id: str | None
    tier: str | None
    reason: str | None


class CredentialsIssued(Answer):
    account_id: str
    kind: ApplicantKind
    #: A supplier's push-signing secret; merchants have none.
    webhook_secret: str | None = None


class TierAdded(Answer):
    name: str
    #: How many SKUs have no price for the new tier (its merchants cannot order them), and some.
    skus_missing_price: int
    sample: list[str]


class ApiKeyRotated(Answer):
    previous_key_expires_at: AwareDatetime


class WebhookSecretRotated(Answer):
    previous_secret_expires_at: AwareDatetime
