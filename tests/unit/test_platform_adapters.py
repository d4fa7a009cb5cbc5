"""Adapters in isolation: secrets accepted during rotation, price conversion, signatures."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

import pytest

from juhe.platforms import ADAPTERS
from juhe.platforms.base import PayloadError, Verification, md5_sorted_params_sign, yuan_to_fen
from juhe.platforms.generic import accepted_secrets
from juhe.signing import signature, verify
from tests.support.platforms import douyin_push, form_push

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
APP = {"app_key": "app-1", "app_secret": "s3cret"}


def shop(**rotation: object) -> dict[str, object]:
    return {"shop_id": "s1", "webhook_secret": "current", **rotation}


def test_the_current_secret_is_accepted_alone_without_a_rotation() -> None:
    assert accepted_secrets(shop(), NOW) == ["current"]


def test_the_previous_secret_is_accepted_until_its_grace_period_ends() -> None:
    during = shop(previous_webhook_secret="old", previous_secret_expires_at=NOW + timedelta(seconds=1))
    after = shop(previous_webhook_secret="old", previous_secret_expires_at=NOW)
    naive = shop(
        previous_webhook_secret="old",
        previous_secret_expires_at=(NOW + timedelta(hours=1)).replace(tzinfo=None),
    )
    assert accepted_secrets(during, NOW) == ["current", "old"]
    assert accepted_secrets(after, NOW) == ["current"]
    assert accepted_secrets(naive, NOW) == ["current", "old"]


def test_generic_verifies_a_push_signed_with_the_previous_secret_during_the_grace_period() -> None:
    body, ts = b'{"order_id":"P-1"}', str(int(NOW.timestamp()))
    headers = {"x-juhe-shop": "s1", "x-juhe-timestamp": ts, "x-juhe-signature": signature("old", ts, body)}
    rotating = shop(previous_webhook_secret="old", previous_secret_expires_at=NOW + timedelta(days=1))
    at = Verification(NOW, 300)
    assert ADAPTERS["generic"].verify(headers, body, rotating, at)
    assert not ADAPTERS["generic"].verify(headers, body, shop(), at)


@pytest.mark.parametrize(("yuan", "fen"), [("19.90", 1990), ("0.01", 1), (12.9, 1290), ("100", 10000)])
def test_yuan_become_fen(yuan: str | float, fen: int) -> None:
    assert yuan_to_fen(yuan, "price") == fen


@pytest.mark.parametrize("bad", ["1.999", "-1", "abc"])
def test_a_price_that_is_not_whole_fen_is_422_naming_the_field(bad: str) -> None:
    with pytest.raises(PayloadError) as refused:
        yuan_to_fen(bad, "content.orders.order.0.price")
    assert (refused.value.status, refused.value.message.split(":")[0]) == (
        422,
        "content.orders.order.0.price",
    )


def test_md5_signing_sorts_parameters_and_skips_sign() -> None:
    expected = hashlib.md5(b"Sa1b2S").hexdigest().upper()
    assert md5_sorted_params_sign("S", {"b": "2", "a": "1", "sign": "x"}) == expected


def test_the_douyin_sample_maps_onto_order_lines_in_fen() -> None:
    [order] = ADAPTERS["douyin"].parse_orders(douyin_push("douyin_order"))
    assert (order.order_id, order.shop_id, order.message_id) == (
        "4837328765348566675",
        "77977",
        "7042553395482607913",
    )
    assert [(ln.sku, ln.qty, ln.unit_price) for ln in order.lines] == [("SKU-DY-RED", 2, 1990)]
    assert ADAPTERS["douyin"].parse_refunds(douyin_push("douyin_order")) == []


@pytest.mark.parametrize("platform", ["taobao", "pdd"])
def test_outbound_calls_carry_a_signature_the_platform_check_accepts(platform: str) -> None:
    raw, headers = ADAPTERS[platform].outbound("stock", {"sku": "A", "quantity": 3}, {"shop_id": "s1"}, APP)
    params = dict(parse_qsl(raw.decode()))
    assert params["sign"] == md5_sorted_params_sign(APP["app_secret"], params)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize("platform", ["taobao", "pdd"])
def test_inbound_form_pushes_verify_and_a_changed_secret_does_not(platform: str) -> None:
    body = form_push(f"{platform}_order", APP, at=NOW.timestamp())
    adapter, at = ADAPTERS[platform], Verification(NOW, 300)
    assert adapter.verify({}, body, APP, at)
    assert not adapter.verify({}, body, {**APP, "app_secret": "other"}, at)
    assert not adapter.verify({}, body, APP, Verification(NOW + timedelta(seconds=301), 300))


def test_generic_outbound_adds_the_type_and_signs_like_a_webhook() -> None:
    raw, headers = ADAPTERS["generic"].outbound("shipment", {"order_id": "P-1"}, shop())
    assert json.loads(raw) == {"order_id": "P-1", "type": "shipment"}
    assert verify("current", headers["X-Juhe-Timestamp"], raw, headers["X-Juhe-Signature"], skew=60)
    assert headers["X-Juhe-Shop"] == "s1"
