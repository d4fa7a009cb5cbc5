"""Merchant tiers are data: seeded from settings, added by the operator; a tier sets cost prices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import Field

from workers.accounts.model.parties import Stored

#: The tier of a merchant opened without one (the edge's default, and an approval's).
DEFAULT_TIER = "standard"


class Tier(Stored):
    name: str = Field(alias="_id")
    created_at: datetime
    #: `settings`: configured, so every SKU must be priced for it; `operator`: added at run time.
    source: Literal["settings", "operator"]
    #: The operator's request that added it, so a redelivery is told apart from a duplicate.
    request_id: str | None = None


def unknown_tier(tier: str, known: Sequence[str], field: str = "tier") -> str | None:
    """Why `tier` cannot be given to a merchant, naming the field; None when it is a known tier.

    The one check of a tier: the worker's refusals and the edge's early 422s both call it.
    """
    if tier in known:
        return None
    return f"{field}: unknown tier {tier!r}; known: {list(known)}"
