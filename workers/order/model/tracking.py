"""Logistics tracking: carrier states mapped onto Juhe's, checkpoints stored once, the
shipment's tracking summary kept on its sub-order, and corrections of a shipment.

The carrier-state table below is the one place a 快递100 state code (or the name it shows on a
checkpoint) becomes a Juhe `TrackingState`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from schemas.tracking import CheckpointIn, RecordTracking, TrackingState
from workers.order.model.fields import Omitted

TS = TrackingState
#: 快递100 `state` code -> (its name, Juhe's state). 4 退签 (signed back by the sender) and
#: 6 退回 (on its way back) are both `returned`; 2 疑难 and 14 拒签 need a person: `exception`.
KUAIDI100_STATES: dict[str, tuple[str, TrackingState]] = {
    "0": ("在途", TS.IN_TRANSIT),
    "1": ("揽收", TS.PICKED_UP),
    "2": ("疑难", TS.EXCEPTION),
    "3": ("签收", TS.DELIVERED),
    "4": ("退签", TS.RETURNED),
    "5": ("派件", TS.OUT_FOR_DELIVERY),
    "6": ("退回", TS.RETURNED),
    "8": ("清关", TS.IN_TRANSIT),
    "14": ("拒签", TS.EXCEPTION),
}
_BY_NAME = {name: code for code, (name, _) in KUAIDI100_STATES.items()}


def carrier_code(value: str | None) -> str | None:
    """A 快递100 state as a code, whether it came as the code or as its name (a checkpoint's
    `status` is the name in the classic format); None when it is neither."""
    if value is None:
        return None
    value = value.strip()
    return value if value in KUAIDI100_STATES else _BY_NAME.get(value)


def juhe_state(code: str | None) -> TrackingState | None:
    """The Juhe state of a 快递100 state code (None: unknown code, no state)."""
    return None if code is None or code not in KUAIDI100_STATES else KUAIDI100_STATES[code][1]


class Checkpoint(BaseModel):
    """One scan of a parcel, stored once in its own collection (the sub-order stays small)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(alias="_id")
    sub_order_id: str
    order_key: str
    tracking_no: str
    at: datetime
    context: str
    source: str
    state: Annotated[TrackingState | None, Omitted] = None
    carrier_state: Annotated[str | None, Omitted] = None
    area_code: Annotated[str | None, Omitted] = None
    area_name: Annotated[str | None, Omitted] = None


def checkpoint_id(sub_order_id: str, tracking_no: str, at: datetime, context: str) -> str:
    """The same scan reported again (every push repeats the whole history) is the same id."""
    key = f"{sub_order_id}|{tracking_no}|{at.isoformat()}|{context.strip()}"
    return "cp_" + hashlib.sha256(key.encode()).hexdigest()[:32]


def checkpoints_of(cmd: RecordTracking) -> list[Checkpoint]:
    """The command's checkpoints as stored documents, each scan once."""
    found: dict[str, Checkpoint] = {}
    for c in cmd.checkpoints:
        cid = checkpoint_id(cmd.sub_order_id, cmd.tracking_no, c.at, c.context)
        found.setdefault(cid, _stored(cid, cmd, c))
    return list(found.values())


def _stored(cid: str, cmd: RecordTracking, c: CheckpointIn) -> Checkpoint:
    code = carrier_code(c.carrier_state)
    return Checkpoint(
        id=cid,
        sub_order_id=cmd.sub_order_id,
        order_key=cmd.order_key,
        tracking_no=cmd.tracking_no,
        at=c.at,
        context=c.context,
        source=cmd.source,
        state=c.state or juhe_state(code),
        carrier_state=code,
        area_code=c.area_code,
        area_name=c.area_name,
    )


def merge_checkpoints(stored: Iterable[Checkpoint], incoming: Iterable[Checkpoint]) -> list[Checkpoint]:
    """The union by id, newest first (what was stored first wins a repeat)."""
    merged: dict[str, Checkpoint] = {}
    for c in [*stored, *incoming]:
        merged.setdefault(c.id, c)
    return sorted(merged.values(), key=lambda c: (c.at, c.id), reverse=True)


class Tracking(BaseModel):
    """The shipment's tracking summary, on its sub-order. `state` is the state as of `as_of`,
    the time of the newest checkpoint that carried it: a newer report wins, an older is ignored."""

    state: TrackingState
    as_of: datetime
    carrier_state: Annotated[str | None, Omitted] = None
    first_at: Annotated[datetime | None, Omitted] = None
    last_at: Annotated[datetime | None, Omitted] = None


@dataclass(frozen=True)
class TrackingUpdate:
    """What a report says about the shipment: its span of checkpoints and its state."""

    first_at: datetime
    last_at: datetime
    state: TrackingState
    as_of: datetime
    carrier_state: str | None

    @property
    def tracking(self) -> Tracking:
        return Tracking(
            state=self.state,
            as_of=self.as_of,
            carrier_state=self.carrier_state,
            first_at=self.first_at,
            last_at=self.last_at,
        )


#: A scan that names no state still says the carrier has the parcel.
UNNAMED_STATE = TrackingState.IN_TRANSIT


def tracking_update(cmd: RecordTracking, checkpoints: Sequence[Checkpoint]) -> TrackingUpdate | None:
    """The report's state: the one it names for its newest checkpoint, else the newest stated
    checkpoint's, else `in_transit`. None when it carries no checkpoint (a state with no time
    cannot be ordered against others)."""
    if not checkpoints:
        return None
    newest = max(checkpoints, key=lambda c: c.at)
    first, last = min(c.at for c in checkpoints), newest.at
    code = carrier_code(cmd.carrier_state)
    named = cmd.state or juhe_state(code)
    if named is not None:
        return TrackingUpdate(first, last, named, last, code)
    stated = [c for c in checkpoints if c.state is not None]
    if not stated:
        return TrackingUpdate(first, last, UNNAMED_STATE, last, None)
    latest = max(stated, key=lambda c: c.at)
    assert latest.state is not None
    return TrackingUpdate(first, last, latest.state, latest.at, latest.carrier_state)


def change_key(tracking_no: str, seen: int, state: TrackingState) -> str:
    """Names one state change of a shipment in the order's log (logged and pushed once): the
    number, how many changes of it were logged before, the new state. Concurrent reports that
    saw the same log and reach the same state name the same change, so it is logged once; a
    state reached again later (in transit after a problem) is a new change."""
    return f"{tracking_no}#{seen}:{state}"


#: A shipment's carrier or number may be corrected this many times.
MAX_CORRECTIONS = 3


class ShipmentCorrection(BaseModel):
    number: int
    carrier: str
    tracking_no: str
    previous_carrier: str
    previous_tracking_no: str
    at: datetime
    reason: Annotated[str | None, Omitted] = None
