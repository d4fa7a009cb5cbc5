"""Sales: facts per order line and their hourly roll-ups (a day is the sum of its hours)."""

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
from workers.sales.model.orders import (
    UNCATEGORIZED,
    sale_line,
    sold_order,
    sold_order_of_facts,
    unknown_categories,
)
from workers.sales.model.rollup import CURSOR_ID, STORED, RollupCursor, buckets_of, increments

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
    "STORED",
    "UNCATEGORIZED",
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
    "sale_line",
    "shipped_facts",
    "sold_facts",
    "sold_order",
    "sold_order_of_facts",
    "unknown_categories",
]
