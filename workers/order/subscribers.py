"""Order's subscriptions: commands from the edge, events from inventory and wallet."""

from __future__ import annotations

from datetime import timedelta

from juhe.messaging.consumer import consume
from juhe.runtime import Runtime
from schemas import after_sale as a
from schemas import commands as c
from schemas import events as e
from schemas import reship as r
from schemas.coupon import CouponApplied
from schemas.envelope import utcnow
from workers.accounts.queries import AccountsQueries
from workers.accounts.queries.cached import AccountsCache, CachedAccounts
from workers.catalog.queries import CatalogQueries
from workers.catalog.queries.cached import CachedCatalog, CatalogCache
from workers.coupon.queries import CouponQueries
from workers.coupon.queries.cached import CachedCoupons, CouponHolders
from workers.order.handlers import (
    coupons,
    deliveries,
    funds,
    intake,
    refunds,
    refunds_cancel,
    reship_routing,
    reships,
    returns,
    saga,
    shipping,
)
from workers.order.handlers.refunds_credit import RefundDeps
from workers.order.repository import (
    MongoArchive,
    MongoOrderRepository,
    MongoRefunds,
    ensure_indexes,
    purge_expired_payloads,
)
from workers.order.repository.reships import MongoReships
from workers.order.tracking_subscribers import register_tracking

WORKER = "order"


def register(runtime: Runtime) -> None:
    # The process's reference cache, shared by the deps built per message (docs/reference-cache.md).
    accounts_cache = AccountsCache(runtime.settings.reference_cache_seconds)
    catalog_cache = CatalogCache(runtime.settings.reference_cache_seconds)
    coupon_holders = CouponHolders(runtime.settings.reference_cache_seconds)

    def deps() -> saga.SagaDeps:
        db = runtime.store.db
        return saga.SagaDeps(
            MongoOrderRepository(db, runtime.store.inserts),
            CachedAccounts(AccountsQueries(db), accounts_cache),
            CachedCatalog(CatalogQueries(db), catalog_cache),
            runtime.settings.funds_hold_seconds,
            CachedCoupons(CouponQueries(db), coupon_holders),
        )

    def delivery_deps() -> deliveries.DeliveryDeps:
        db = runtime.store.db
        return deliveries.DeliveryDeps(
            MongoOrderRepository(db), AccountsQueries(db), runtime.post, runtime.give_up_after
        )

    def intake_deps() -> intake.IntakeDeps:
        retention = timedelta(days=runtime.settings.raw_payload_retention_days)
        return intake.IntakeDeps(deps(), MongoArchive(runtime.store.db, runtime.store.inserts), retention)

    def refund_deps() -> RefundDeps:
        db = runtime.store.db
        return RefundDeps(MongoOrderRepository(db), MongoRefunds(db), AccountsQueries(db))

    def cancellation_push_deps() -> refunds_cancel.CancellationPushDeps:
        return refunds_cancel.CancellationPushDeps(delivery_deps(), MongoRefunds(runtime.store.db))

    consume(runtime, WORKER, a.RequestRefund, lambda m: refunds.request_refund(m, deps=refund_deps()))
    consume(
        runtime,
        WORKER,
        a.PushSubOrderCancellation,
        lambda m: refunds_cancel.push_cancellation(m, deps=cancellation_push_deps()),
    )
    consume(runtime, WORKER, a.ReturnShippedBack, lambda m: returns.ship_back(m, deps=refund_deps()))
    consume(runtime, WORKER, a.ReceiveReturn, lambda m: returns.receive(m, deps=refund_deps()))
    consume(runtime, WORKER, a.ApproveDamaged, lambda m: returns.approve_damaged(m, deps=refund_deps()))
    consume(runtime, WORKER, a.RejectReturn, lambda m: returns.reject(m, deps=refund_deps()))
    consume(runtime, WORKER, a.GrantRefundOnly, lambda m: returns.refund_only(m, deps=refund_deps()))
    consume(runtime, WORKER, c.PlaceOrder, lambda m: intake.place_order(m, deps=intake_deps()), intake=True)
    consume(
        runtime,
        WORKER,
        c.RecordRefundRequest,
        lambda m: intake.record_refund_request(m, deps=intake_deps()),
    )
    consume(runtime, WORKER, e.StockReserved, lambda m: saga.on_stock_reserved(m, deps=deps()))
    consume(runtime, WORKER, e.StockRejected, lambda m: saga.on_stock_rejected(m, deps=deps()))
    consume(runtime, WORKER, e.WalletDebited, lambda m: funds.on_wallet_debited(m, deps=deps()))
    consume(runtime, WORKER, e.FundsInsufficient, lambda m: funds.on_funds_insufficient(m, deps=deps()))
    consume(runtime, WORKER, e.WalletCredited, lambda m: funds.on_wallet_credited(m, deps=deps()))
    consume(runtime, WORKER, CouponApplied, lambda m: coupons.on_coupon_applied(m, deps=deps()))
    consume(runtime, WORKER, c.ExpireFundsHold, lambda m: funds.expire_funds_hold(m, deps=deps()))
    consume(runtime, WORKER, c.AcceptSubOrder, lambda m: shipping.accept_sub_order(m, deps=deps()))
    consume(runtime, WORKER, c.ShipSubOrder, lambda m: shipping.ship_sub_order(m, deps=deps()))

    def reship_deps() -> reships.ReshipDeps:
        return reships.ReshipDeps(deps(), MongoReships(runtime.store.db))

    consume(runtime, WORKER, r.OpenReship, lambda m: reships.open_reship(m, deps=reship_deps()))
    consume(runtime, WORKER, r.RouteReship, lambda m: reship_routing.route_reship(m, deps=deps()))
    consume(runtime, WORKER, e.OrderClosed, lambda m: reships.on_order_closed(m, deps=reship_deps()))
    consume(
        runtime, WORKER, c.DeliverShipment, lambda m: deliveries.deliver_shipment(m, deps=delivery_deps())
    )
    consume(runtime, WORKER, c.PushSubOrder, lambda m: deliveries.push_sub_order(m, deps=delivery_deps()))
    register_tracking(runtime, delivery_deps)
    runtime.periodic.add(
        "order.purge_raw_payloads",
        runtime.settings.purge_every_seconds,
        lambda: purge_expired_payloads(runtime.store.db, utcnow()),
    )


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
