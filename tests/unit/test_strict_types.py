"""Strict money, quantities and times: look-alikes are refused; what our own messages carry is not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from schemas.catalog import CreatePromotion
from schemas.commands import DeliverShipment, PlaceOrder, SyncStock
from schemas.common import Fen, Instant, OrderLineIn, Quantity, RawPayload, ShippingAddress
from schemas.events import WalletCredited
from schemas.stock_sync import ApplyStockChunk

AT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


class Money(BaseModel):
    amount: Fen
    qty: Quantity = 1


class When(BaseModel):
    at: Instant


@pytest.mark.parametrize("body", ['{"amount": "100.00"}', '{"amount": true}', '{"amount": 100.0}'])
def test_an_amount_is_a_json_integer(body: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Money.model_validate_json(body)
    assert [e["loc"] for e in refused.value.errors()] == [("amount",)]


@pytest.mark.parametrize("qty", ["true", "1.0", '"1"'])
def test_a_quantity_is_a_json_integer(qty: str) -> None:
    with pytest.raises(ValidationError):
        Money.model_validate_json(f'{{"amount": 1, "qty": {qty}}}')


@pytest.mark.parametrize(
    "at", ["1777636800", '"1777636800"', "1777636800.5", '"2026-05-01T12:00:00"', "true"]
)
def test_a_time_is_an_rfc3339_string_with_a_timezone(at: str) -> None:
    with pytest.raises(ValidationError) as refused:
        When.model_validate_json(f'{{"at": {at}}}')
    assert [e["loc"] for e in refused.value.errors()] == [("at",)]


@pytest.mark.parametrize(
    "text", ["2026-05-01T12:00:00Z", "2026-05-01t12:00:00z", "2026-05-01T20:00:00.123456+08:00"]
)
def test_rfc3339_times_are_taken(text: str) -> None:
    assert When.model_validate_json(f'{{"at": "{text}"}}').at == AT + timedelta(
        microseconds=123456 if "." in text else 0
    )


def test_a_time_built_in_code_is_taken_as_it_is() -> None:
    beijing = AT.astimezone(timezone(timedelta(hours=8)))
    assert When(at=beijing).at == AT


def messages() -> list[Any]:
    address = ShippingAddress(name="n", phone="123", province="p", city="c", district="d", detail="x")
    raw = RawPayload(platform="generic", received_at=AT, headers={"a": "b"}, body="{}")
    line = OrderLineIn(sku="A", qty=2, unit_price=1990)
    return [
        PlaceOrder(
            correlation_id="k", order_key="k", platform="generic", shop_id="s", platform_order_id="P",
            merchant_id="m", lines=[line], shipping_address=address, received_at=AT, raw_payload=raw,
        ),
        DeliverShipment(correlation_id="k", order_key="k", sub_order_id="so", attempt=3, first_attempt_at=AT),
        SyncStock(correlation_id="s", supplier_id="s", sync_id="y", items=[{"sku": "A", "on_hand": 0}]),
        ApplyStockChunk(
            correlation_id="s", supplier_id="s", sync_id="y", chunk=0, at=AT,
            items=[{"sku": "A", "on_hand": 5}],
        ),
        WalletCredited(correlation_id="m", merchant_id="m", amount=10**12, kind="top_up", reference="r",
                       balance_after=-5),
        CreatePromotion(
            correlation_id="p", promotion_id="p", name="n", starts_at=AT, ends_at=AT + timedelta(days=1),
            items=[{"sku": "A", "tier_prices": {"gold": 100}}],
        ),
    ]  # fmt: skip


@pytest.mark.parametrize("message", messages(), ids=lambda m: type(m).__name__)
def test_what_model_dump_json_produces_validates_back(message: Any) -> None:
    """Messages on the broker are our own JSON: strict types take every int and time in it."""
    assert type(message).model_validate_json(message.model_dump_json()) == message
