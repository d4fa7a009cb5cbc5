"""Sales: facts per order line and their hourly and daily roll-ups."""

from workers.sales.model.buckets import ATTRIBUTES, DIM_ATTRIBUTES, DIMS, Bucket, Granularity, period_of
from workers.sales.model.facts import (
    PENDING,
    FactKind,
    SaleFact,
    SaleLine,
    SoldOrder,
    closed_facts,
    refunded_facts,
    shipped_facts,
    sold_facts,
)
from workers.sales.model.figures import FIGURES, ZERO, Figures
from workers.sales.model.rollup import CURSOR_ID, RollupCursor, buckets_of, increments

FACTS = "sales_facts"
BUCKETS = "sales_rollups"
CURSORS = "sales_cursor"

__all__ = [
    "ATTRIBUTES",
    "BUCKETS",
    "CURSORS",
    "CURSOR_ID",
    "DIMS",
    "DIM_ATTRIBUTES",
    "FACTS",
    "FIGURES",
    "PENDING",
    "ZERO",
    "Bucket",
    "FactKind",
    "Figures",
    "Granularity",
    "RollupCursor",
    "SaleFact",
    "SaleLine",
    "SoldOrder",
    "buckets_of",
    "closed_facts",
    "increments",
    "period_of",
    "refunded_facts",
    "shipped_facts",
    "sold_facts",
]
