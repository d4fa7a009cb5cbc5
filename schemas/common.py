"""Value types used inside messages and documents."""

from __future__ import annotations

import hashlib
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

Sku = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")]
#: The largest amount of money anything holds: 10 billion yuan.
MAX_FEN = 10**12
Fen = Annotated[int, Field(ge=0, le=MAX_FEN)]
Quantity = Annotated[int, Field(ge=1, le=100_000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


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
    received_at: AwareDatetime
    headers: dict[str, str]
    body: str

    @property
    def id(self) -> str:
        """Deterministic: the same push archived twice is one document."""
        digest = hashlib.sha256(f"{self.platform}|".encode() + self.body.encode()).hexdigest()
        return f"pl_{digest[:32]}"
