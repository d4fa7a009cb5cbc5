"""Coupon's subscriptions: the operator's and merchants' requests, the fan-out, and the order
saga's coupon step with the order events that redeem or give back."""

from __future__ import annotations

from juhe.messaging.consumer import consume, respond
from juhe.runtime import Runtime
from schemas import coupon as c
from schemas import events as e
from workers.accounts.queries import AccountsQueries
from workers.catalog.queries import CatalogQueries
from workers.coupon.handlers import apply, issue, settle, setup
from workers.coupon.repository import MongoCouponRepository, ensure_indexes

WORKER = "coupon"


def register(runtime: Runtime) -> None:
    def repo() -> MongoCouponRepository:
        return MongoCouponRepository(runtime.store.db)

    def apply_deps() -> apply.ApplyDeps:
        return apply.ApplyDeps(repo(), CatalogQueries(runtime.store.db))

    def fan_out_deps() -> issue.FanOutDeps:
        return issue.FanOutDeps(AccountsQueries(runtime.store.db))

    respond(runtime, WORKER, c.CreateChannel, lambda m: setup.create_channel(m, repo=repo()))
    respond(runtime, WORKER, c.CreateTemplate, lambda m: setup.create_template(m, repo=repo()))
    respond(runtime, WORKER, c.PublishTemplate, lambda m: setup.publish_template(m, repo=repo()))
    respond(runtime, WORKER, c.IssueCoupon, lambda m: issue.issue_coupon(m, repo=repo()))
    consume(runtime, WORKER, c.IssueCoupons, lambda m: issue.issue_many(m, deps=fan_out_deps()))
    consume(runtime, WORKER, c.ApplyCoupon, lambda m: apply.apply_coupon(m, deps=apply_deps()))
    consume(runtime, WORKER, c.ReleaseCoupon, lambda m: settle.release_coupon(m, repo=repo()))
    consume(runtime, WORKER, e.OrderRouted, lambda m: settle.on_order_routed(m, repo=repo()))
    consume(runtime, WORKER, e.OrderClosed, lambda m: settle.on_order_closed(m, repo=repo()))


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
