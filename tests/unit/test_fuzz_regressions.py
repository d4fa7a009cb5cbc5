"""Inputs found by fuzzing that once escaped as 500s; each is now a plain refusal."""

from __future__ import annotations

import json

import pytest

from juhe.platforms import ADAPTERS
from juhe.platforms.base import PayloadError, Verification, load_json, yuan_to_fen
from juhe.signing import signature, unix_seconds, verify
from tests.support.platforms import fixture, form_push
from tests.unit.test_platform_adapters import APP, NOW

AT = Verification(NOW, 300)
SHOP = {"shop_id": "s1", "webhook_secret": "current"}
TS = str(int(NOW.timestamp()))


def test_a_400_digit_timestamp_is_a_failed_verification() -> None:
    ts = "9" * 400
    assert not verify("current", ts, b"{}", signature("current", ts, b"{}"), skew=300, now=NOW.timestamp())


FULLWIDTH = "".join(chr(ord(c) + 0xFEE0) for c in TS)  # the same digits, fullwidth


@pytest.mark.parametrize("text", ["+1777636800", " 1777636800", "1_777_636_800", FULLWIDTH, "-1", ""])
def test_a_timestamp_is_plain_ascii_digits_only(text: str) -> None:
    assert unix_seconds(text) is None
    assert unix_seconds(TS) == int(NOW.timestamp())


def test_a_non_ascii_signature_is_a_failed_verification() -> None:
    headers = {"x-juhe-shop": "s1", "x-juhe-timestamp": TS, "x-juhe-signature": "é" * 64}
    assert not ADAPTERS["generic"].verify(headers, b"{}", SHOP, AT)


def test_a_non_ascii_douyin_signature_is_a_failed_verification() -> None:
    assert not ADAPTERS["douyin"].verify({"app-id": APP["app_key"], "event-sign": "ß"}, b"[]", APP, AT)


def test_a_pdd_push_with_a_400_digit_timestamp_is_a_failed_verification() -> None:
    body = form_push("pdd_order", APP, at=NOW.timestamp()) + b"&timestamp=" + b"9" * 400  # the last counts
    assert not ADAPTERS["pdd"].verify({}, body, APP, AT)


def test_100000_nested_brackets_are_400_malformed_json() -> None:
    with pytest.raises(PayloadError) as refused:
        load_json(b"[" * 100_000, "request body")
    assert (refused.value.status, refused.value.code) == (400, "malformed_json")
    assert refused.value.message == "request body is nested too deeply"


@pytest.mark.parametrize(
    "bad", ["NaN", "sNaN", "Infinity", "-Infinity", "1e999999999", "1e999999", "10000000000.01"]
)
def test_an_amount_that_is_no_finite_price_is_422_naming_the_field(bad: str) -> None:
    with pytest.raises(PayloadError) as refused:
        yuan_to_fen(bad, "data.item_list.0.goods_price")
    assert refused.value.status == 422
    assert refused.value.message.startswith("data.item_list.0.goods_price: ")


def test_the_largest_price_is_ten_billion_yuan() -> None:
    assert yuan_to_fen("10000000000.00", "price") == 10**12


def test_a_taobao_price_beyond_any_amount_is_422_naming_the_line() -> None:
    """It once became a line of 9,999,999,999,900 fen, which the order line refused with a 500."""
    orders = json.loads(fixture("taobao_order")["content"])["orders"]
    orders["order"][0]["price"] = "99999999999"
    pushed = form_push("taobao_order", APP, at=NOW.timestamp(), orders=orders)
    assert ADAPTERS["taobao"].verify({}, pushed, APP, AT)
    with pytest.raises(PayloadError) as refused:
        ADAPTERS["taobao"].parse_orders(pushed)
    assert refused.value.status == 422
    assert refused.value.message.startswith("content.orders.order.0.price: ")
