"""Online applications: submit, approve (opens the account) or reject, issue credentials once."""

from __future__ import annotations

from juhe.replies import Reply, ok, refuse
from schemas.applications import (
    ApplicantKind,
    ApplicationDecided,
    ApplicationSubmitted,
    ApproveApplication,
    CredentialsIssued,
    IssueCredentials,
    RejectApplication,
    SubmitApplication,
)
from schemas.envelope import utcnow
from workers.accounts.handlers.parties import store_key
from workers.accounts.handlers.ports import ApplicationStore
from workers.accounts.model import (
    ALREADY_FETCHED,
    STILL_OPENING,
    Application,
    Decision,
    IssueMarker,
    Merchant,
    Supplier,
    approval_problem,
    approval_tier,
    stored_delivery,
)


async def submit(cmd: SubmitApplication, *, repo: ApplicationStore) -> Reply:
    """One pending application per licence and kind; the same request again is the same answer."""
    application = Application(
        id=cmd.application_id,
        kind=cmd.kind,
        company_name=cmd.company_name,
        licence_no=cmd.licence_no,
        contact=cmd.contact,
        delivery=None if cmd.delivery is None else stored_delivery(cmd.delivery),
        token_hash=cmd.token_hash,
        created_at=cmd.occurred_at,
    )
    if not await repo.insert_application(application):
        mine = await repo.application(cmd.application_id)
        if mine is None or mine.token_hash != cmd.token_hash:
            return refuse("conflict", f"licence_no: a {cmd.kind} application for it is already pending")
    return ok(ApplicationSubmitted(id=cmd.application_id, status="pending").model_dump(mode="json"))


async def approve(cmd: ApproveApplication, *, repo: ApplicationStore) -> Reply:
    application = await repo.application(cmd.application_id)
    if application is None:
        return refuse("not_found", "application not found")
    if problem := approval_problem(application.kind, cmd.tier, await repo.known_tiers()):
        return refuse("invalid", problem)
    decision = Decision(
        status="approved",
        decision_id=cmd.message_id,
        decided_at=cmd.occurred_at,
        account_id=cmd.account_id,
        tier=approval_tier(application.kind, cmd.tier),
        open_slot=cmd.application_id,
    )
    decided = await repo.decide(cmd.application_id, decision)
    if decided is None:
        return await _not_pending(repo, cmd.application_id)
    await _open_account(repo, decided, cmd.webhook_secret)
    return ok(_decided(decided).model_dump(mode="json"))


async def reject(cmd: RejectApplication, *, repo: ApplicationStore) -> Reply:
    decision = Decision(
        status="rejected",
        decision_id=cmd.message_id,
        decided_at=cmd.occurred_at,
        reason=cmd.reason,
        open_slot=cmd.application_id,
    )
    decided = await repo.decide(cmd.application_id, decision)
    if decided is None:
        return await _not_pending(repo, cmd.application_id)
    return ok(_decided(decided).model_dump(mode="json"))


async def _not_pending(repo: ApplicationStore, application_id: str) -> Reply:
    stored = await repo.application(application_id)
    if stored is None:
        return refuse("not_found", "application not found")
    return refuse("conflict", stored.not_pending())


async def _open_account(repo: ApplicationStore, application: Application, webhook_secret: str) -> None:
    """Open the account from the STORED decision, so a redelivery converges on the same one."""
    assert application.account_id is not None  # an approval sets it, and a merchant's tier
    account_id, name, now = application.account_id, application.company_name, utcnow()
    if application.kind == "merchant":
        assert application.tier is not None
        await repo.insert_merchant(Merchant(id=account_id, name=name, tier=application.tier, created_at=now))
        return
    assert application.delivery is not None
    supplier = Supplier(
        id=account_id, name=name, delivery=application.delivery, webhook_secret=webhook_secret, created_at=now
    )
    await repo.insert_supplier(supplier)


def _decided(application: Application) -> ApplicationDecided:
    assert application.status != "pending"
    return ApplicationDecided(
        id=application.id,
        status=application.status,
        account_id=application.account_id,
        tier=application.tier,
        reason=application.reason,
    )


async def issue_credentials(cmd: IssueCredentials, *, repo: ApplicationStore) -> Reply:
    """Exactly once: mark the approved application issued with the new key's hash, then store it.

    The same request redelivered (same key hash) gets the same answer; any other is `gone`.
    """
    application = await repo.application(cmd.application_id)
    if application is None:
        return refuse("not_found", "application not found")
    if problem := application.not_approved():
        return refuse("conflict", problem)
    account_id = application.account_id
    assert account_id is not None  # set by the approval
    account = await _account(repo, application.kind, account_id)
    if account is None:  # the approval is being redelivered after a crash; it will converge
        return refuse("conflict", STILL_OPENING)
    marker = IssueMarker(key_hash=cmd.api_key_hash, at=cmd.occurred_at)
    if not await repo.mark_issued(cmd.application_id, marker):
        return refuse("gone", ALREADY_FETCHED)
    await store_key(repo, cmd.api_key_hash, application.kind, account_id)
    secret = account.webhook_secret if isinstance(account, Supplier) else None
    issued = CredentialsIssued(account_id=account_id, kind=application.kind, webhook_secret=secret)
    return ok(issued.model_dump(mode="json", exclude_none=True))


async def _account(
    repo: ApplicationStore, kind: ApplicantKind, account_id: str
) -> Supplier | Merchant | None:
    if kind == "supplier":
        return await repo.supplier(account_id)
    return await repo.merchant(account_id)
