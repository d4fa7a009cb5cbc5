"""Value types used inside messages and documents."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
)

Sku = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")]
#: The largest amount of money anything holds: 10 billion yuan.
MAX_FEN = 10**12
# Money, quantities and durations are JSON integers and nothing else: in lax mode pydantic
# would read "100.00" as 100 fen, true as 1 and 1.0 as 1 unit.
Fen = Annotated[StrictInt, Field(ge=0, le=MAX_FEN)]
Quantity = Annotated[StrictInt, Field(ge=1, le=100_000)]
#: Units on hand, of a SKU or in a sync.
StockLevel = Annotated[StrictInt, Field(ge=0, le=10**9)]
Seconds = Annotated[StrictInt, Field(ge=0)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", re.ASCII)


def _rfc3339_text(value: object) -> object:
    """Pydantic alone would also take unix seconds (as a number or digits) as a time."""
    if isinstance(value, datetime) or (isinstance(value, str) and _RFC3339.fullmatch(value)):
        return value
    raise ValueError("not an RFC 3339 time with a timezone, e.g. 2026-05-01T12:00:00+08:00")


#: A time in a request body or message: an RFC 3339 string with a timezone (or, built in
#: code, an aware datetime).
Instant = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StockLine(Frozen):
    sku: Sku
    qty: Quantity


class OrderLineIn(Frozen):
    sku: Sku
    qty: Quantity
    unit_price: Fen


class ShippingAddress(Frozen):
    name: ShortText
    phone: Annotated[str, StringConstraints(min_length=3, max_length=32)]
    province: ShortText
    city: ShortText
    district: ShortText
    detail: ShortText


class RawPayload(Frozen):
    """A platform push exactly as received (secrets dropped), kept so a dispute can be replayed."""

    platform: str
    received_at: Instant
    headers: dict[str, str]
    body: str

    @property
    def id(self) -> str:
        """Deterministic: the same push archived twice is one document."""
        digest = hashlib.sha256(f"{self.platform}|".encode() + self.body.encode()).hexdigest()
        return f"pl_{digest[:32]}"
