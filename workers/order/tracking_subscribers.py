"""Order's subscriptions for logistics tracking: reports, corrections and their pushes."""

from __future__ import annotations

from collections.abc import Callable

from juhe.messaging.consumer import consume
from juhe.runtime import Runtime
from schemas import tracking as t
from workers.order.handlers import deliveries, tracking, tracking_corrections, tracking_deliveries
from workers.order.repository import MongoOrderRepository, MongoTracking

WORKER = "order"


def register_tracking(runtime: Runtime, delivery_deps: Callable[[], deliveries.DeliveryDeps]) -> None:
    def deps() -> tracking.TrackingDeps:
        return tracking.TrackingDeps(MongoOrderRepository(runtime.store.db), MongoTracking(runtime.store.db))

    def push_deps() -> tracking_deliveries.TrackingDeliveryDeps:
        return tracking_deliveries.TrackingDeliveryDeps(delivery_deps(), MongoTracking(runtime.store.db))

    consume(runtime, WORKER, t.RecordTracking, lambda m: tracking.record_tracking(m, deps=deps()))
    consume(
        runtime, WORKER, t.CorrectShipment, lambda m: tracking_corrections.correct_shipment(m, deps=deps())
    )
    consume(
        runtime,
        WORKER,
        t.DeliverTracking,
        lambda m: tracking_deliveries.deliver_tracking(m, deps=push_deps()),
    )
    consume(
        runtime,
        WORKER,
        t.DeliverShipmentCorrection,
        lambda m: tracking_deliveries.deliver_shipment_correction(m, deps=push_deps()),
    )
