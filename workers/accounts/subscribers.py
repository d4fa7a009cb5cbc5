"""Accounts' request/reply subscriptions."""

from __future__ import annotations

from juhe.messaging.consumer import respond
from juhe.runtime import Runtime
from schemas.accounts import AddShop, ChangeMerchantTier, CreateMerchant, CreateSupplier, RegisterPlatformApp
from schemas.applications import (
    AddTier,
    ApproveApplication,
    IssueCredentials,
    RejectApplication,
    RotateApiKey,
    RotateWebhookSecret,
    SubmitApplication,
)
from schemas.envelope import utcnow
from schemas.supplier_accounts import CreateSupplierAccount, SetSupplierRouting
from workers.accounts import applications, handlers, rotation, routing, tiers

WORKER = "accounts"


def register(runtime: Runtime) -> None:
    def db() -> handlers.Db:
        return runtime.store.db

    respond(runtime, WORKER, CreateSupplier, lambda m: handlers.create_supplier(m, db=db()))
    respond(runtime, WORKER, CreateMerchant, lambda m: handlers.create_merchant(m, db=db()))
    respond(runtime, WORKER, ChangeMerchantTier, lambda m: handlers.change_merchant_tier(m, db=db()))
    respond(runtime, WORKER, AddShop, lambda m: handlers.add_shop(m, db=db()))
    respond(runtime, WORKER, SubmitApplication, lambda m: applications.submit(m, db=db()))
    respond(runtime, WORKER, ApproveApplication, lambda m: applications.approve(m, db=db()))
    respond(runtime, WORKER, RejectApplication, lambda m: applications.reject(m, db=db()))
    respond(runtime, WORKER, IssueCredentials, lambda m: applications.issue_credentials(m, db=db()))
    respond(runtime, WORKER, AddTier, lambda m: tiers.add_tier(m, db=db()))
    respond(runtime, WORKER, RotateApiKey, lambda m: rotation.rotate_api_key(m, db=db()))
    respond(runtime, WORKER, RotateWebhookSecret, lambda m: rotation.rotate_webhook_secret(m, db=db()))
    respond(runtime, WORKER, RegisterPlatformApp, lambda m: handlers.register_platform_app(m, db=db()))
    respond(runtime, WORKER, CreateSupplierAccount, lambda m: routing.create_supplier_account(m, db=db()))
    respond(runtime, WORKER, SetSupplierRouting, lambda m: routing.set_supplier_routing(m, db=db()))
    runtime.periodic.add(
        "accounts.purge_expired_keys",
        runtime.settings.purge_every_seconds,
        lambda: rotation.purge_expired_keys(db(), utcnow()),
    )


async def prepare(runtime: Runtime) -> None:
    await handlers.ensure_indexes(runtime.store.db)
    await applications.ensure_indexes(runtime.store.db)
    await tiers.seed_tiers(runtime.store.db, runtime.settings.tiers)
    await routing.ensure_indexes(runtime.store.db)
