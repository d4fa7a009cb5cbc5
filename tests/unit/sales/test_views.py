"""Which roll-up answers whom, and how the live view resumes."""

from __future__ import annotations

import pytest

from edge_api.routes.sales_stream import resume_from
from workers.sales.queries import GroupBy, Slice, reading
from workers.sales.queries.views import PERIOD, Reading


@pytest.mark.parametrize(
    ("where", "group_by", "expected"),
    [
        (Slice(), GroupBy.CATEGORY, Reading("category", "category")),
        (Slice(), GroupBy.DAY, Reading("shop", PERIOD)),
        (Slice(), GroupBy.MERCHANT, Reading("shop", "merchant")),
        (Slice(), GroupBy.SUPPLIER, Reading("merchant_supplier", "supplier")),
        (Slice(merchant="m1"), GroupBy.SKU, Reading("merchant_sku", "sku")),
        (Slice(merchant="m1"), GroupBy.SUPPLIER, Reading("merchant_supplier", "supplier")),
        (Slice(merchant="m1"), GroupBy.DAY, Reading("shop", PERIOD)),
        (Slice(merchant="m1"), GroupBy.PLATFORM, Reading("shop", "platform")),
        (Slice(supplier="s1"), GroupBy.MERCHANT, Reading("merchant_supplier", "merchant")),
        (Slice(supplier="s1"), GroupBy.SKU, Reading("sku", "sku")),
        (Slice(supplier="s1"), GroupBy.HOUR, Reading("merchant_supplier", PERIOD)),
        (Slice(merchant="m1"), GroupBy.CATEGORY, None),
        (Slice(supplier="s1"), GroupBy.SHOP, None),
    ],
)
def test_each_slice_reads_a_roll_up_filtered_to_itself(
    where: Slice, group_by: GroupBy, expected: Reading | None
) -> None:
    assert reading(where, group_by) == expected


def test_a_slice_filters_on_its_own_party_only() -> None:
    assert (Slice().filter(), Slice(merchant="m1").filter(), Slice(supplier="s1").filter()) == (
        {},
        {"merchant": "m1"},
        {"supplier": "s1"},
    )


@pytest.mark.parametrize(
    ("last_event_id", "current", "resumed"),
    [("7", 9, 7), ("9", 9, 9), ("10", 9, None), ("x", 9, None), (None, 9, None), ("-1", 9, None)],
)
def test_a_client_resumes_only_from_an_id_the_server_could_have_sent(
    last_event_id: str | None, current: int, resumed: int | None
) -> None:
    assert resume_from(last_event_id, current) == resumed
