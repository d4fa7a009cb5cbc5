"""Online applications: submit, approve (opens the account) or reject, issue credentials once."""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from juhe.replies import Reply, ok, refuse
from schemas.applications import ApproveApplication, IssueCredentials, RejectApplication, SubmitApplication
from workers.accounts.handlers import insert_merchant, insert_supplier, store_api_key
from workers.accounts.tiers import unknown_tier

Db = AsyncDatabase[dict[str, Any]]
APPLICATIONS = "applications"
DEFAULT_TIER = "standard"
#: While pending, `open_slot` is this constant, so the unique index on (kind, licence_no,
#: open_slot) allows one pending application per licence; a decision frees the slot.
PENDING_SLOT = "pending"


async def ensure_indexes(db: Db) -> None:
    await db[APPLICATIONS].create_index([("kind", 1), ("licence_no", 1), ("open_slot", 1)], unique=True)
    await db[APPLICATIONS].create_index([("status", 1), ("_id", 1)])


async def submit(cmd: SubmitApplication, *, db: Db) -> Reply:
    doc = {
        "_id": cmd.application_id,
        **cmd.model_dump(mode="json", include={"kind", "company_name", "licence_no", "contact", "delivery"}),
        "token_hash": cmd.token_hash,
        "status": "pending",
        "open_slot": PENDING_SLOT,
        "created_at": cmd.occurred_at,
        "decision_id": None,
        "account_id": None,
        "tier": None,
        "reason": None,
        "decided_at": None,
        "credentials_issued": None,
    }
    try:
        await db[APPLICATIONS].insert_one(doc)
    except DuplicateKeyError:
        mine = await db[APPLICATIONS].find_one({"_id": cmd.application_id}, {"token_hash": 1})
        if mine is None or mine["token_hash"] != cmd.token_hash:
            return refuse("conflict", f"licence_no: a {cmd.kind} application for it is already pending")
    return ok({"id": cmd.application_id, "status": "pending"})


async def approve(cmd: ApproveApplication, *, db: Db) -> Reply:
    application = await db[APPLICATIONS].find_one({"_id": cmd.application_id}, {"kind": 1})
    if application is None:
        return refuse("not_found", "application not found")
    tier = None
    if application["kind"] == "merchant":
        tier = cmd.tier or DEFAULT_TIER
        if refusal := await unknown_tier(db, tier):
            return refusal
    decision = {"status": "approved", "account_id": cmd.account_id, "tier": tier}
    decided = await _decide(db, cmd.application_id, cmd.message_id, cmd.occurred_at, decision)
    if decided is None:
        return await _not_pending(db, cmd.application_id)
    await _open_account(db, decided, cmd.webhook_secret)
    return ok(_decision_body(decided))


async def reject(cmd: RejectApplication, *, db: Db) -> Reply:
    decision = {"status": "rejected", "reason": cmd.reason}
    decided = await _decide(db, cmd.application_id, cmd.message_id, cmd.occurred_at, decision)
    if decided is None:
        return await _not_pending(db, cmd.application_id)
    return ok(_decision_body(decided))


async def _decide(
    db: Db, application_id: str, decision_id: str, at: Any, fields: dict[str, Any]
) -> dict[str, Any] | None:
    """Pending → decided in one conditional update; a redelivery finds its own decision."""
    update = {**fields, "decision_id": decision_id, "decided_at": at, "open_slot": application_id}
    decided: dict[str, Any] | None = await db[APPLICATIONS].find_one_and_update(
        {"_id": application_id, "status": "pending"},
        {"$set": update},
        return_document=ReturnDocument.AFTER,
    )
    if decided is None:
        stored = await db[APPLICATIONS].find_one({"_id": application_id, "decision_id": decision_id})
        return stored
    return decided


async def _not_pending(db: Db, application_id: str) -> Reply:
    stored = await db[APPLICATIONS].find_one({"_id": application_id}, {"status": 1})
    if stored is None:
        return refuse("not_found", "application not found")
    return refuse("conflict", f"application is {stored['status']}, not pending")


async def _open_account(db: Db, application: dict[str, Any], webhook_secret: str) -> None:
    """Create the account from the STORED decision, so a redelivery converges on the same one."""
    account_id, name = application["account_id"], application["company_name"]
    if application["kind"] == "supplier":
        await insert_supplier(db, account_id, name, application["delivery"], webhook_secret)
    else:
        await insert_merchant(db, account_id, name, application["tier"])


def _decision_body(application: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": application["_id"],
        "status": application["status"],
        "account_id": application["account_id"],
        "tier": application["tier"],
        "reason": application["reason"],
    }


async def issue_credentials(cmd: IssueCredentials, *, db: Db) -> Reply:
    """Exactly once: mark the approved application issued with the new key's hash, then store it.

    The same request redelivered (same key hash) gets the same answer; any other is `gone`.
    """
    application = await db[APPLICATIONS].find_one({"_id": cmd.application_id})
    if application is None:
        return refuse("not_found", "application not found")
    if application["status"] != "approved":
        return refuse("conflict", f"application is {application['status']}, not approved")
    owners = "suppliers" if application["kind"] == "supplier" else "merchants"
    account = await db[owners].find_one({"_id": application["account_id"]})
    if account is None:  # the approval is being redelivered after a crash; it will converge
        return refuse("conflict", "the account is still being opened; try again shortly")
    if not await _mark_issued(db, cmd):
        return refuse("gone", "the credentials of this application were already fetched")
    kind, account_id = application["kind"], application["account_id"]
    await store_api_key(db, cmd.api_key_hash, kind, account_id)
    body: dict[str, Any] = {"account_id": account_id, "kind": kind}
    if kind == "supplier":
        body["webhook_secret"] = account["webhook_secret"]
    return ok(body)


async def _mark_issued(db: Db, cmd: IssueCredentials) -> bool:
    """True for the first request (or its redelivery: the same key hash), False for any other."""
    marker = {"key_hash": cmd.api_key_hash, "at": cmd.occurred_at}
    marked = await db[APPLICATIONS].find_one_and_update(
        {"_id": cmd.application_id, "status": "approved", "credentials_issued": None},
        {"$set": {"credentials_issued": marker}},
        return_document=ReturnDocument.AFTER,
    )
    if marked is not None:
        return True
    mine = {"_id": cmd.application_id, "credentials_issued.key_hash": cmd.api_key_hash}
    return await db[APPLICATIONS].find_one(mine, {"_id": 1}) is not None
