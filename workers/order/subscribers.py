"""Order's subscriptions: commands from the edge, events from inventory and wallet."""

from __future__ import annotations

from datetime import timedelta

from juhe.messaging.consumer import consume
from juhe.runtime import Runtime
from schemas import commands as c
from schemas import events as e
from schemas import reship as r
from schemas.envelope import utcnow
from workers.accounts.queries import AccountsQueries
from workers.catalog.queries import CatalogQueries
from workers.order.handlers import deliveries, funds, intake, reship_routing, reships, saga, shipping
from workers.order.repository import (
    MongoArchive,
    MongoOrderRepository,
    ensure_indexes,
    purge_expired_payloads,
)
from workers.order.repository.reships import MongoReships

WORKER = "order"


def register(runtime: Runtime) -> None:
    def deps() -> saga.SagaDeps:
        db = runtime.store.db
        return saga.SagaDeps(
            MongoOrderRepository(db),
            AccountsQueries(db),
            CatalogQueries(db),
            runtime.settings.funds_hold_seconds,
        )

    def delivery_deps() -> deliveries.DeliveryDeps:
        db = runtime.store.db
        return deliveries.DeliveryDeps(
            MongoOrderRepository(db), AccountsQueries(db), runtime.post, runtime.give_up_after
        )

    def intake_deps() -> intake.IntakeDeps:
        retention = timedelta(days=runtime.settings.raw_payload_retention_days)
        return intake.IntakeDeps(deps(), MongoArchive(runtime.store.db), retention)

    consume(runtime, WORKER, c.PlaceOrder, lambda m: intake.place_order(m, deps=intake_deps()))
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
    runtime.periodic.add(
        "order.purge_raw_payloads",
        runtime.settings.purge_every_seconds,
        lambda: purge_expired_payloads(runtime.store.db, utcnow()),
    )


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
