"""Logistics tracking: the normalised shipment states, and the messages that carry checkpoints,
shipment corrections and their pushes to the shop."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, StrictInt, StringConstraints

from schemas.commands import OutboundDelivery
from schemas.common import Frozen, Instant
from schemas.envelope import Command, Event

Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class TrackingState(StrEnum):
    """Where a parcel is, in Juhe's words (carrier states map onto these in the order model)."""

    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNED = "returned"


class CheckpointIn(Frozen):
    """One scan of the parcel as a source reports it."""

    at: Instant
    context: Text
    state: TrackingState | None = None
    #: The carrier's own state code (快递100 `status` of the item, when it is a code).
    carrier_state: Code | None = None
    area_code: Code | None = None
    area_name: Annotated[str, StringConstraints(max_length=200)] | None = None


class RecordTracking(Command):
    """Checkpoints of one shipment (its carrier and number as the source named them); the
    state, when given, is the shipment's state as of its newest checkpoint."""

    NAME: ClassVar[str] = "order.record_tracking"
    order_key: str
    sub_order_id: str
    carrier: Code
    tracking_no: Code
    source: Code
    checkpoints: list[CheckpointIn] = Field(max_length=1000)
    state: TrackingState | None = None
    carrier_state: Code | None = None

    def business_key(self) -> str:
        content = "|".join(f"{c.at.isoformat()}|{c.context}" for c in self.checkpoints)
        digest = hashlib.sha256(f"{content}|{self.state}|{self.carrier_state}".encode()).hexdigest()
        return f"{self.sub_order_id}|{self.tracking_no}|{digest[:24]}"


class CorrectShipment(Command):
    """The supplier corrects the carrier or tracking number of a shipped sub-order."""

    NAME: ClassVar[str] = "order.correct_shipment"
    sub_order_id: str
    supplier_id: str
    carrier: Code
    tracking_no: Code
    reason: Annotated[str, StringConstraints(max_length=200)] | None = None

    def business_key(self) -> str:
        return f"{self.sub_order_id}|{self.carrier}|{self.tracking_no}"


class DeliverTracking(OutboundDelivery):
    """Tell the shop that a shipment's state changed (signed `tracking` event, retried)."""

    NAME: ClassVar[str] = "order.deliver_tracking"
    state: TrackingState
    as_of: Instant
    #: The change as the order's log names it (its push is logged under the same name).
    change: Text

    def business_key(self) -> str:
        return f"{self.sub_order_id}|{self.change}|{self.attempt}"


class DeliverShipmentCorrection(OutboundDelivery):
    """Tell the shop a shipment's corrected carrier and number (a new signed shipment sync)."""

    NAME: ClassVar[str] = "order.deliver_shipment_correction"
    correction: StrictInt = Field(ge=1)

    def business_key(self) -> str:
        return f"{self.sub_order_id}|{self.correction}|{self.attempt}"


class OrderCompleted(Event):
    """Every sub-order of the order was delivered: the order is `completed`."""

    NAME: ClassVar[str] = "order.completed"
    MUST_ROUTE: ClassVar[bool] = False
    order_key: str
    merchant_id: str
