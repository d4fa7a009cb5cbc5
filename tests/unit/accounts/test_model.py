"""The accounts rules that need no storage: tiers, approvals, grace ends, transitions."""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.applications import Contact
from workers.accounts.model import (
    Application,
    Decision,
    IssueMarker,
    approval_problem,
    approval_tier,
    expiry,
    unknown_tier,
)

AT = datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)
KNOWN = ["standard", "gold"]


def test_a_tier_is_checked_once_and_the_field_is_named() -> None:
    assert unknown_tier("gold", KNOWN) is None
    assert unknown_tier("vip", KNOWN) == "tier: unknown tier 'vip'; known: ['standard', 'gold']"
    assert (
        unknown_tier("vip", KNOWN, "rules.3.tier")
        == "rules.3.tier: unknown tier 'vip'; known: ['standard', 'gold']"
    )


def test_an_approval_gives_merchants_a_tier_and_suppliers_none() -> None:
    assert (
        approval_tier("merchant", None),
        approval_tier("merchant", "gold"),
        approval_tier("supplier", None),
    ) == (
        "standard",
        "gold",
        None,
    )
    assert approval_problem("supplier", "gold", KNOWN) == "tier: only merchants have a tier"
    assert (
        approval_problem("merchant", "vip", KNOWN) == "tier: unknown tier 'vip'; known: ['standard', 'gold']"
    )
    assert approval_problem("merchant", None, KNOWN) is None
    assert approval_problem("supplier", None, KNOWN) is None


def test_a_grace_ends_on_the_millisecond_the_store_keeps() -> None:
    assert expiry(AT, 60) == datetime(2026, 3, 1, 8, 1, 0, 123000, tzinfo=UTC)


def test_only_a_pending_application_is_decided_and_only_an_approved_one_issued() -> None:
    pending = Application(
        id="app_1",
        kind="merchant",
        company_name="公司",
        licence_no="LIC-12345",
        contact=Contact(name="李", phone="139"),
        token_hash="t",
        created_at=AT,
    )
    marker = IssueMarker(key_hash="k", at=AT)
    assert pending.issued(marker) is None
    approved = pending.decided(
        Decision(
            status="approved", decision_id="d", decided_at=AT, account_id="m", tier="gold", open_slot="app_1"
        )
    )
    assert approved is not None
    assert (approved.status, approved.open_slot, approved.account_id) == ("approved", "app_1", "m")
    assert (
        approved.decided(Decision(status="rejected", decision_id="d2", decided_at=AT, open_slot="app_1"))
        is None
    )
    issued = approved.issued(marker)
    assert issued is not None
    assert issued.credentials_issued == marker
    assert issued.issued(IssueMarker(key_hash="k2", at=AT)) is None
