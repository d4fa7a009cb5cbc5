"""Accounts' request/reply subscriptions, and the periodic purge of expired keys."""

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
from workers.accounts.handlers import applications, parties, rotation, supplier_routing, tiers
from workers.accounts.repository import MongoAccountsRepository
from workers.catalog.queries import CatalogQueries

WORKER = "accounts"


def register(runtime: Runtime) -> None:
    def repo() -> MongoAccountsRepository:
        return MongoAccountsRepository(runtime.store.db)

    def catalog() -> CatalogQueries:
        return CatalogQueries(runtime.store.db)

    respond(runtime, WORKER, CreateSupplier, lambda m: parties.create_supplier(m, repo=repo()))
    respond(runtime, WORKER, CreateMerchant, lambda m: parties.create_merchant(m, repo=repo()))
    respond(runtime, WORKER, ChangeMerchantTier, lambda m: parties.change_merchant_tier(m, repo=repo()))
    respond(runtime, WORKER, AddShop, lambda m: parties.add_shop(m, repo=repo()))
    respond(runtime, WORKER, RegisterPlatformApp, lambda m: parties.register_platform_app(m, repo=repo()))
    respond(runtime, WORKER, SubmitApplication, lambda m: applications.submit(m, repo=repo()))
    respond(runtime, WORKER, ApproveApplication, lambda m: applications.approve(m, repo=repo()))
    respond(runtime, WORKER, RejectApplication, lambda m: applications.reject(m, repo=repo()))
    respond(runtime, WORKER, IssueCredentials, lambda m: applications.issue_credentials(m, repo=repo()))
    respond(runtime, WORKER, AddTier, lambda m: tiers.add_tier(m, repo=repo(), catalog=catalog()))
    respond(runtime, WORKER, RotateApiKey, lambda m: rotation.rotate_api_key(m, repo=repo()))
    respond(runtime, WORKER, RotateWebhookSecret, lambda m: rotation.rotate_webhook_secret(m, repo=repo()))
    respond(
        runtime,
        WORKER,
        CreateSupplierAccount,
        lambda m: supplier_routing.create_supplier_account(m, repo=repo()),
    )
    respond(
        runtime, WORKER, SetSupplierRouting, lambda m: supplier_routing.set_supplier_routing(m, repo=repo())
    )
    runtime.periodic.add(
        "accounts.purge_expired_keys",
        runtime.settings.purge_every_seconds,
        lambda: repo().purge_expired_keys(utcnow()),
    )


async def prepare(runtime: Runtime) -> None:
    repo = MongoAccountsRepository(runtime.store.db)
    await repo.ensure_indexes()
    await repo.seed_tiers(runtime.settings.tiers)
