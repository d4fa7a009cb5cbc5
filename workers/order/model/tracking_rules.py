"""Tracking rules over sub-orders: which shipments ops must look at, when an order is complete,
whether a shipment may still be corrected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from schemas.tracking import TrackingState
from workers.order.model.order import LogEntry
from workers.order.model.sub_order import Shipment, SubOrder, SubOrderStatus
from workers.order.model.tracking import MAX_CORRECTIONS

#: No checkpoint this long after shipping: the carrier never picked the parcel up.
NO_PICKUP_AFTER = timedelta(hours=48)
#: No new checkpoint this long while still on its way: the parcel is stuck or lost.
NO_UPDATE_AFTER = timedelta(hours=72)
#: States after which no further checkpoint is expected.
FINAL_STATES = frozenset({TrackingState.DELIVERED, TrackingState.RETURNED})


class ExceptionKind(StrEnum):
    NO_PICKUP = "no_pickup"
    NO_UPDATE = "no_update"
    #: 快递100 14 拒签: the buyer refused the parcel.
    REFUSED = "refused"
    #: 快递100 4 退签: the parcel went back and was signed for by the sender.
    RETURNED_TO_SENDER = "returned_to_sender"
    #: 快递100 2 疑难, or a supplier-reported `exception`: the carrier needs a person.
    PROBLEM = "problem"


#: 快递100 state code -> the exception it is for ops.
CARRIER_EXCEPTIONS: dict[str, ExceptionKind] = {
    "2": ExceptionKind.PROBLEM,
    "4": ExceptionKind.RETURNED_TO_SENDER,
    "14": ExceptionKind.REFUSED,
}


@dataclass(frozen=True)
class ShippingException:
    kind: ExceptionKind
    since: datetime


def shipping_exceptions(sub: SubOrder, now: datetime) -> list[ShippingException]:
    """What is wrong with a shipped sub-order's parcel at `now`, computed from what is stored."""
    if sub.status != SubOrderStatus.SHIPPED or sub.shipment is None:
        return []
    tracking, shipped_at = sub.tracking, _shipped_at(sub)
    last_at = None if tracking is None else tracking.last_at or tracking.as_of
    found = []
    if last_at is None and now - shipped_at >= NO_PICKUP_AFTER:
        found.append(ShippingException(ExceptionKind.NO_PICKUP, shipped_at))
    if tracking is None:
        return found
    if last_at is not None and tracking.state not in FINAL_STATES and now - last_at >= NO_UPDATE_AFTER:
        found.append(ShippingException(ExceptionKind.NO_UPDATE, last_at))
    kind = CARRIER_EXCEPTIONS.get(tracking.carrier_state or "")
    if kind is None and tracking.state == TrackingState.EXCEPTION:
        kind = ExceptionKind.PROBLEM
    if kind is not None:
        found.append(ShippingException(kind, tracking.as_of))
    return found


def _shipped_at(sub: SubOrder) -> datetime:
    """When its current shipment started: a correction restarts the pickup clock."""
    assert sub.shipment is not None
    return sub.corrections[-1].at if sub.corrections else sub.shipment.shipped_at


def all_delivered(subs: Sequence[SubOrder]) -> bool:
    """Every sub-order still to be shipped (none cancelled) has been delivered."""
    live = [sub for sub in subs if sub.status != SubOrderStatus.CANCELLED]
    return bool(live) and all(
        sub.tracking is not None and sub.tracking.state == TrackingState.DELIVERED for sub in live
    )


def correction_refusal(
    status: SubOrderStatus, shipment: Shipment | None, corrections: int, carrier: str, tracking_no: str
) -> str | None:
    """Why this correction may not be made now (None: it may, or it is already made). The edge
    asks it to answer 409 early; the handler asks it again on what is stored."""
    if status != SubOrderStatus.SHIPPED or shipment is None:
        return f"the sub-order is {status}: it has no shipment to correct"
    if (shipment.carrier, shipment.tracking_no) == (carrier, tracking_no):
        return None
    if corrections >= MAX_CORRECTIONS:
        return f"a shipment may be corrected at most {MAX_CORRECTIONS} times"
    return None


#: Log entry types of tracking: a state change, and its push to the shop.
TRACKING_CHANGED = "tracking_changed"
TRACKING_SYNCED = "tracking_synced"


def changes_of(events: Sequence[LogEntry], sub_order_id: str, tracking_no: str) -> list[LogEntry]:
    """The logged state changes of this shipment's current number."""
    return [
        e
        for e in events
        if e.type == TRACKING_CHANGED
        and e.data.get("sub_order_id") == sub_order_id
        and e.data.get("tracking_no") == tracking_no
    ]


def newest_change(events: Sequence[LogEntry], sub_order_id: str, tracking_no: str) -> LogEntry | None:
    """The newest (by the time of its state) logged state change of this shipment."""
    return max(changes_of(events, sub_order_id, tracking_no), key=_as_of, default=None)


def _as_of(entry: LogEntry) -> datetime:
    as_of = entry.data.get("as_of")
    return as_of if isinstance(as_of, datetime) else entry.at


#: A logged change whose push has not ended this long after: its push was lost (a crash between
#: the log and the publish) and the next report sends it again. Shorter would start a second
#: retry chain beside one still backing off; the shop may get a repeat, never a gap.
RESEND_AFTER = timedelta(minutes=10)


def push_overdue(events: Sequence[LogEntry], change: LogEntry, now: datetime) -> bool:
    """Whether the shop's push of this logged change must be sent (again) now."""
    pending = not outcome_logged(
        events, TRACKING_SYNCED, str(change.data.get("sub_order_id")), str(change.data.get("change"))
    )
    return pending and now - change.at >= RESEND_AFTER


def outcome_logged(events: Sequence[LogEntry], done: str, sub_order_id: str, change: str) -> bool:
    """A push about this change has ended (delivered, or given up): it is not sent again."""
    return any(
        e.type in (done, f"{done}_failed")
        and e.data.get("sub_order_id") == sub_order_id
        and e.data.get("change") == change
        for e in events
    )
