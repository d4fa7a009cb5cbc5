"""A supplier's accounts, and the rules that route its merchants to them."""

from __future__ import annotations

from juhe.replies import Reply, ok, refuse
from schemas.accounts import Created
from schemas.envelope import utcnow
from schemas.supplier_accounts import CreateSupplierAccount, RoutingRules, SetSupplierRouting
from workers.accounts.handlers.parties import store_key
from workers.accounts.handlers.ports import RoutingStore
from workers.accounts.model import (
    SupplierAccount,
    SupplierRouting,
    merchants_named,
    rules_problem,
    stored_delivery,
)


async def create_supplier_account(cmd: CreateSupplierAccount, *, repo: RoutingStore) -> Reply:
    if await repo.supplier(cmd.supplier_id) is None:
        return refuse("not_found", "supplier not found")
    account = SupplierAccount(
        id=cmd.account_id,
        supplier_id=cmd.supplier_id,
        name=cmd.name,
        channel=cmd.channel,
        delivery=stored_delivery(cmd.delivery),
        webhook_secret=cmd.webhook_secret,
        created_at=utcnow(),
    )
    stored = await repo.insert_supplier_account(account)
    if stored.supplier_id != cmd.supplier_id:
        return refuse("conflict", f"account {cmd.account_id} belongs to another supplier")
    await store_key(repo, cmd.api_key_hash, "supplier", cmd.supplier_id, account_id=cmd.account_id)
    return ok(Created(id=cmd.account_id).model_dump(mode="json"))


async def set_supplier_routing(cmd: SetSupplierRouting, *, repo: RoutingStore) -> Reply:
    """Replace all rules in one write, after checking each names only the supplier's own."""
    problem = rules_problem(
        cmd.rules,
        await repo.account_ids(cmd.supplier_id),
        await repo.existing_merchants(merchants_named(cmd.rules)),
        await repo.known_tiers(),
    )
    if problem:
        return refuse("invalid", problem)
    await repo.replace_routing(
        SupplierRouting(supplier_id=cmd.supplier_id, rules=cmd.rules, updated_at=utcnow())
    )
    return ok(RoutingRules(rules=cmd.rules).model_dump(mode="json", exclude_none=True))
