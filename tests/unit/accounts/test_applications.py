"""Applications: one pending per licence, a decision is final, credentials are issued once."""

from __future__ import annotations

from datetime import timedelta

from schemas.accounts import PullDelivery
from schemas.applications import (
    ApproveApplication,
    Contact,
    IssueCredentials,
    RejectApplication,
    SubmitApplication,
)
from workers.accounts.handlers import applications
from workers.accounts.memory import MemoryAccountsRepository
from workers.accounts.model import Decision

LICENCE = "91440300ABCDE12345"


def submit(app_id: str = "app_1", kind: str = "merchant", token_hash: str = "t1") -> SubmitApplication:
    return SubmitApplication.model_validate(
        {
            "correlation_id": app_id,
            "application_id": app_id,
            "kind": kind,
            "company_name": "深圳聚合有限公司",
            "licence_no": LICENCE,
            "contact": Contact(name="李四", phone="13900000000"),
            "delivery": PullDelivery(mode="pull") if kind == "supplier" else None,
            "token_hash": token_hash,
        }
    )


def approve(app_id: str = "app_1", tier: str | None = None, account_id: str = "mch_1") -> ApproveApplication:
    return ApproveApplication(
        correlation_id=app_id,
        application_id=app_id,
        account_id=account_id,
        tier=tier,
        webhook_secret="whsec_1",
    )


def issue(key_hash: str, app_id: str = "app_1") -> IssueCredentials:
    return IssueCredentials(correlation_id=app_id, application_id=app_id, api_key_hash=key_hash)


async def test_a_second_pending_application_for_the_licence_is_a_conflict(
    repo: MemoryAccountsRepository,
) -> None:
    submitted = await applications.submit(submit(), repo=repo)
    assert submitted == ({"id": "app_1", "status": "pending"}, [])
    assert await applications.submit(submit(), repo=repo) == submitted  # its redelivery
    duplicate = await applications.submit(submit("app_2", token_hash="t2"), repo=repo)
    assert duplicate[0]["error"] == {
        "code": "conflict",
        "message": "licence_no: a merchant application for it is already pending",
    }
    assert list(repo.applications) == ["app_1"]
    other_kind = await applications.submit(submit("app_3", "supplier", "t3"), repo=repo)
    assert other_kind == ({"id": "app_3", "status": "pending"}, [])


async def test_approval_opens_the_account_once_at_its_tier(repo: MemoryAccountsRepository) -> None:
    await applications.submit(submit(), repo=repo)
    command = approve(tier="gold")
    approved = await applications.approve(command, repo=repo)
    assert approved == (
        {"id": "app_1", "status": "approved", "account_id": "mch_1", "tier": "gold", "reason": None},
        [],
    )
    assert await applications.approve(command, repo=repo) == approved  # its redelivery
    assert [(m.id, m.name, m.tier) for m in repo.merchants.values()] == [
        ("mch_1", "深圳聚合有限公司", "gold")
    ]
    another = await applications.approve(approve(account_id="mch_2"), repo=repo)
    assert another[0]["error"] == {"code": "conflict", "message": "application is approved, not pending"}
    assert list(repo.merchants) == ["mch_1"]
    # The decision freed the licence: the company may apply again.
    assert (await applications.submit(submit("app_2", token_hash="t2"), repo=repo))[0]["status"] == "pending"


async def test_an_approval_at_an_unknown_tier_changes_nothing(repo: MemoryAccountsRepository) -> None:
    await applications.submit(submit(), repo=repo)
    refused = await applications.approve(approve(tier="diamond"), repo=repo)
    assert (
        refused[0]["error"]["message"]
        == "tier: unknown tier 'diamond'; known: ['standard', 'silver', 'gold']"
    )
    assert repo.applications["app_1"].status == "pending"
    assert repo.merchants == {}


async def test_a_rejection_is_final_and_opens_nothing(repo: MemoryAccountsRepository) -> None:
    await applications.submit(submit(), repo=repo)
    rejected = await applications.reject(
        RejectApplication(correlation_id="app_1", application_id="app_1", reason="营业执照已过期"), repo=repo
    )
    assert rejected == (
        {"id": "app_1", "status": "rejected", "account_id": None, "tier": None, "reason": "营业执照已过期"},
        [],
    )
    late = await applications.approve(approve(), repo=repo)
    assert late[0]["error"] == {"code": "conflict", "message": "application is rejected, not pending"}
    early = await applications.issue_credentials(issue("k1"), repo=repo)
    assert early[0]["error"] == {"code": "conflict", "message": "application is rejected, not approved"}
    assert (repo.merchants, repo.api_keys) == ({}, {})


async def test_credentials_are_issued_once(repo: MemoryAccountsRepository) -> None:
    await applications.submit(submit(kind="supplier"), repo=repo)
    await applications.approve(approve(account_id="sup_1"), repo=repo)
    first = await applications.issue_credentials(issue("k1"), repo=repo)
    assert first == ({"account_id": "sup_1", "kind": "supplier", "webhook_secret": "whsec_1"}, [])
    assert await applications.issue_credentials(issue("k1"), repo=repo) == first  # its redelivery
    marked = repo.applications["app_1"].credentials_issued

    second = await applications.issue_credentials(issue("k2"), repo=repo)
    assert second[0]["error"] == {
        "code": "gone",
        "message": "the credentials of this application were already fetched",
    }
    assert list(repo.api_keys) == ["k1"]
    assert repo.applications["app_1"].credentials_issued == marked


async def test_a_merchants_credentials_carry_no_secret(repo: MemoryAccountsRepository) -> None:
    await applications.submit(submit(), repo=repo)
    await applications.approve(approve(), repo=repo)
    issued = await applications.issue_credentials(issue("k1"), repo=repo)
    assert issued == ({"account_id": "mch_1", "kind": "merchant"}, [])
    assert (repo.api_keys["k1"].kind, repo.api_keys["k1"].owner_id) == ("merchant", "mch_1")


async def test_no_credentials_before_the_approved_account_is_open(repo: MemoryAccountsRepository) -> None:
    """Approval decided, but the account not written yet (a crash in between): not now, not gone."""
    submitted = submit()
    await applications.submit(submitted, repo=repo)
    decision = Decision(
        status="approved",
        decision_id="d1",
        decided_at=submitted.occurred_at + timedelta(seconds=1),
        account_id="mch_1",
        tier="standard",
        open_slot="app_1",
    )
    await repo.decide("app_1", decision)
    refused = await applications.issue_credentials(issue("k1"), repo=repo)
    assert refused[0]["error"] == {
        "code": "conflict",
        "message": "the account is still being opened; try again shortly",
    }
    assert repo.api_keys == {}
    assert repo.applications["app_1"].credentials_issued is None
