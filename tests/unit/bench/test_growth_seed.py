"""The growth bench's documents are what the repositories write, and load back as models."""

from __future__ import annotations

import pytest

from bench.growth_seed import Shape, key_docs, order_docs, sku_docs, supplier_id
from bench.load import line_range
from workers.accounts.model import ApiKey
from workers.catalog.model import Sku
from workers.inventory.model import StockRecord
from workers.order.model import Order, OrderStatus, SubOrder, SubOrderStatus, covers_lines_once

SHAPE = Shape(skus=50, suppliers=4, merchants=3)


@pytest.mark.parametrize("i", range(40))
def test_an_order_and_its_sub_orders_agree(i: int) -> None:
    order_doc, sub_docs = order_docs(i, SHAPE)
    order = Order.model_validate(order_doc)
    subs = [SubOrder.model_validate(doc) for doc in sub_docs]
    assert len(order.lines) == 2
    assert covers_lines_once(order, subs)
    waiting = [s.id for s in subs if s.status != SubOrderStatus.SHIPPED]
    assert order.awaiting_shipment == waiting
    assert order.status == (OrderStatus.ROUTED if waiting else OrderStatus.SHIPPED)


def test_documents_are_reproducible() -> None:
    assert order_docs(7, SHAPE) == order_docs(7, SHAPE)


def test_sku_documents_and_keys_load() -> None:
    sku, stock = sku_docs(5, SHAPE)
    assert (
        Sku.model_validate(sku).supplier_id == StockRecord.model_validate(stock).supplier_id == supplier_id(1)
    )
    keys = [ApiKey.model_validate(doc) for doc in key_docs(3)]
    assert [(k.kind, k.owner_id) for k in keys] == [("supplier", supplier_id(n)) for n in range(3)]


def test_line_range() -> None:
    assert line_range("2") == (2, 2)
    assert line_range("1-3") == (1, 3)
    with pytest.raises(ValueError, match="lines per order"):
        line_range("0")
    with pytest.raises(ValueError, match="lines per order"):
        line_range("3-1")
