"""The two ends of a replacement order's link: on the reship, the order it replaces; on the
original, each reship opened for it with the shipped units it claims."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel

from schemas.common import StockLine
from schemas.reship import RequestedBy, ReshipReason
from workers.order.model.fields import Omitted


class ReshipOf(BaseModel):
    """On a reship: the original order, why, and where each supplier's part goes."""

    order_key: str
    reship_id: str
    reason: ReshipReason
    requested_by: RequestedBy
    #: supplier -> account, fixed when the reship opened (the original sub-order's account, or
    #: the one the operator picked); routing rules are not consulted again.
    accounts: dict[str, str | None]


class ReshipClaim(BaseModel):
    """On the original: a reship opened for it. Its lines count against the shipped quantity
    until it is rejected (then `rejected` says why and its units may be reshipped again)."""

    key: str
    reship_id: str
    reason: ReshipReason
    lines: list[StockLine]
    charge: bool
    requested_by: RequestedBy
    at: datetime
    account_id: Annotated[str | None, Omitted] = None
    rejected: Annotated[str | None, Omitted] = None
