"""What came in from the platforms: raw pushes, platform message ids, refund requests."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.commands import RecordRefundRequest
from schemas.common import RawPayload, StockLine


class ArchivedPayload(BaseModel):
    """A push exactly as received, kept until `expires_at` so a dispute can be replayed."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(alias="_id")
    platform: str
    received_at: datetime
    headers: dict[str, str]
    body: str
    expires_at: datetime

    @classmethod
    def of(cls, payload: RawPayload, expires_at: datetime) -> ArchivedPayload:
        return cls(id=payload.id, **payload.model_dump(), expires_at=expires_at)


def message_key(platform: str, message_id: str) -> str:
    """Message ids are the platform's own: unique only within one platform."""
    return f"{platform}:{message_id}"


class PlatformMessage(BaseModel):
    """A platform message id seen, remembered so the edge can skip a repeat of it."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(alias="_id")
    #: The order or refund key the message carried.
    key: str
    expires_at: datetime


class RefundStatus(StrEnum):
    PENDING = "pending"


class RefundRequest(BaseModel):
    """A platform's refund request, kept `pending` until the refund saga takes it up."""

    model_config = ConfigDict(populate_by_name=True)

    refund_key: str = Field(alias="_id")
    status: RefundStatus = RefundStatus.PENDING
    platform: str
    shop_id: str
    merchant_id: str
    refund_id: str
    order_key: str
    reason: str
    #: The platform's own fields, kept as they came.
    details: dict[str, Any]
    #: None means the whole order.
    lines: list[StockLine] | None
    received_at: datetime
    payload_ids: list[str]
    created_at: datetime

    @classmethod
    def of(cls, cmd: RecordRefundRequest, payload_ids: list[str], at: datetime) -> RefundRequest:
        fields = {"platform", "shop_id", "merchant_id", "refund_id", "order_key", "reason", "details"}
        return cls(
            refund_key=cmd.refund_key,
            **cmd.model_dump(include=fields),
            lines=cmd.lines,
            received_at=cmd.received_at,
            payload_ids=payload_ids,
            created_at=at,
        )
