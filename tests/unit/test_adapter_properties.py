"""Every adapter refuses what it cannot take, as False or a 4xx PayloadError, never another error.

Three kinds of input: arbitrary headers and bodies; correctly signed bodies around arbitrary
content; and the platforms' own samples, correctly signed, with one part replaced or removed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from juhe.platforms import ADAPTERS
from juhe.platforms.base import PayloadError, Verification, md5_sorted_params_sign
from juhe.platforms.taobao import BEIJING
from juhe.signing import signature
from tests.support.platforms import fixture
from tests.unit.test_platform_adapters import NOW

AT = Verification(NOW, 300)
SHOP = {"shop_id": "s1", "webhook_secret": "shop-secret"}
APP = {"app_key": "app-1", "app_secret": "app-secret"}
PLATFORMS = sorted(ADAPTERS)
KINDS = ["order", "refund"]
EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEEP = "[" * 100_000
OVERFLOWING = "9" * 400

FULLWIDTH_12 = "\uff11\uff12"
ODD_NUMBERS = ["NaN", "Infinity", "-1", "1e999999", "19.999", "99999999999", FULLWIDTH_12, ""]
odd_numbers = st.sampled_from(ODD_NUMBERS)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | odd_numbers
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
header_values = st.text(max_size=40) | st.from_regex(r"[0-9]{1,400}", fullmatch=True)
headers = st.dictionaries(
    st.sampled_from(["x-juhe-shop", "x-juhe-timestamp", "x-juhe-signature", "app-id", "event-sign"])
    | st.text(max_size=8),
    header_values,
    max_size=6,
)
texts = st.text(max_size=300) | json_values.map(json.dumps)


def refuses_or_parses(platform: str, head: dict[str, str], body: bytes) -> bool:
    """The property: verify answers a bool, parsing a list or a 4xx PayloadError; nothing else."""
    adapter = ADAPTERS[platform]
    verified = adapter.verify(head, body, SHOP if platform == "generic" else APP, AT)
    assert isinstance(verified, bool)
    assert isinstance(adapter.is_handshake(body), bool)
    assert isinstance(adapter.signer_id(head, body), str | None)
    for parse in (adapter.parse_orders, adapter.parse_refunds):
        status = parse_status(parse, body)
        assert status == 200 or 400 <= status < 500
    return verified


def parse_status(parse: Callable[[bytes], list[Any]], body: bytes) -> int:
    """200 when `parse` gives a list, else the status of its PayloadError."""
    try:
        parsed = parse(body)
    except PayloadError as refused:
        return refused.status
    assert isinstance(parsed, list)
    return 200


def signed(
    platform: str, kind: str, content: str, timestamp: str | None = None
) -> tuple[dict[str, str], bytes]:
    """A correctly signed push whose JSON (the body, or the form's JSON parameter) is `content`."""
    ts = str(int(NOW.timestamp())) if timestamp is None else timestamp
    if platform == "generic":
        sign = signature(SHOP["webhook_secret"], ts, content.encode())
        return {"x-juhe-shop": "s1", "x-juhe-timestamp": ts, "x-juhe-signature": sign}, content.encode()
    if platform == "douyin":
        digest = hashlib.md5(f"{APP['app_key']}{content}{APP['app_secret']}".encode()).hexdigest()
        return {"app-id": APP["app_key"], "event-sign": digest}, content.encode()
    params = fixture(f"{platform}_{kind}")
    if platform == "taobao":
        beijing = NOW.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
        params.update(
            content=content, app_key=APP["app_key"], timestamp=beijing if timestamp is None else timestamp
        )
    else:
        params.update(data=content, client_id=APP["app_key"], timestamp=ts)
    params["sign"] = md5_sorted_params_sign(APP["app_secret"], params)
    return {}, urlencode(params).encode()


def sample(platform: str, kind: str) -> Any:
    """The platform's sample as one JSON value (douyin's `data` strings decoded in place)."""
    if platform == "generic":
        line = {"sku": "SKU-1", "qty": 2}
        if kind == "refund":
            return {"refund_id": "R-1", "order_id": "P-1", "reason": "broken", "lines": [line]}
        line["unit_price"] = 1990
        address = {k: "x" * 3 for k in ("name", "phone", "province", "city", "district", "detail")}
        return {"order_id": "P-1", "lines": [line], "shipping_address": address}
    if platform == "douyin":
        return [{**m, "data": json.loads(m["data"])} for m in fixture(f"douyin_{kind}")]
    params = fixture(f"{platform}_{kind}")
    return json.loads(params["content" if platform == "taobao" else "data"])


def encode(platform: str, value: Any) -> str:
    if platform == "douyin" and isinstance(value, list):
        value = [_douyin_message(m) for m in value]
    return json.dumps(value, ensure_ascii=False)


def _douyin_message(message: Any) -> Any:
    if isinstance(message, dict) and isinstance(message.get("data"), dict | list):
        return {**message, "data": json.dumps(message["data"])}
    return message


@st.composite
def changed(draw: st.DrawFn, value: Any) -> Any:
    """`value` with one node replaced by an arbitrary JSON value, or one key removed."""
    moves = ["replace"]
    if isinstance(value, dict | list) and value:
        moves += ["descend", "descend", "descend"]
    if isinstance(value, dict) and value:
        moves.append("remove")
    move = draw(st.sampled_from(moves))
    if move == "replace":
        return draw(json_values)
    if isinstance(value, list):
        i = draw(st.integers(0, len(value) - 1))
        return [*value[:i], draw(changed(value[i])), *value[i + 1 :]]
    key = draw(st.sampled_from(sorted(value)))
    if move == "remove":
        return {k: v for k, v in value.items() if k != key}
    return {**value, key: draw(changed(value[key]))}


@pytest.mark.parametrize("platform", PLATFORMS)
@EXAMPLES
@given(head=headers, body=st.binary(max_size=300) | texts.map(str.encode))
@example(head={"x-juhe-timestamp": OVERFLOWING, "x-juhe-signature": "0" * 64}, body=b"{}")
@example(head={"x-juhe-timestamp": "1777636800", "x-juhe-signature": "é"}, body=b"{}")
@example(head={"app-id": "app-1", "event-sign": "é"}, body=b"[]")
@example(head={}, body=DEEP.encode())
def test_arbitrary_headers_and_bodies_are_refused_or_parsed(
    platform: str, head: dict[str, str], body: bytes
) -> None:
    refuses_or_parses(platform, head, body)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("platform", PLATFORMS)
@EXAMPLES
@given(content=texts)
@example(content=DEEP)
def test_validly_signed_arbitrary_content_is_refused_or_parsed(
    platform: str, kind: str, content: str
) -> None:
    assert refuses_or_parses(platform, *signed(platform, kind, content))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("platform", PLATFORMS)
@EXAMPLES
@given(data=st.data())
def test_signed_samples_with_one_part_changed_are_refused_or_parsed(
    platform: str, kind: str, data: st.DataObject
) -> None:
    content = encode(platform, data.draw(changed(sample(platform, kind))))
    assert refuses_or_parses(platform, *signed(platform, kind, content))


@pytest.mark.parametrize("platform", ["generic", "taobao", "pdd"])
@EXAMPLES
@given(timestamp=header_values)
@example(timestamp=OVERFLOWING)
@example(timestamp="9999-12-31 23:59:59")
def test_any_timestamp_in_a_signed_push_is_refused_or_verified(platform: str, timestamp: str) -> None:
    """Platforms that sign a timestamp: a far-off one is refused, an absurd one too, never raised."""
    content = encode(platform, sample(platform, "order"))
    assert not refuses_or_parses(platform, *signed(platform, "order", content, timestamp))


#: Deep enough to exhaust the JSON decoder's recursion, short enough to try everywhere.
NESTED = "[" * 3_000
AWKWARD: list[Any] = [None, True, False, 0, -1, 1.0, 10**400, 1e308, [], {}, "", "é", NESTED]
AWKWARD += ODD_NUMBERS


def variants(value: Any) -> list[Any]:
    """`value` with each node in turn replaced by each awkward value, and each key removed."""
    found = list(AWKWARD)
    if isinstance(value, dict):
        for key, inner in value.items():
            found.append({k: v for k, v in value.items() if k != key})
            found += [{**value, key: changed} for changed in variants(inner)]
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found += [[*value[:i], changed, *value[i + 1 :]] for changed in variants(inner)]
    return found


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_part_of_a_signed_sample_replaced_by_an_awkward_value_is_refused_or_parsed(
    platform: str, kind: str
) -> None:
    """Exhaustive where hypothesis samples: wrong types, missing keys, absurd numbers, deep JSON."""
    for value in variants(sample(platform, kind)):
        assert refuses_or_parses(platform, *signed(platform, kind, encode(platform, value)))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_unchanged_samples_parse(platform: str, kind: str) -> None:
    """The property tests start from samples that are accepted as they are."""
    head, body = signed(platform, kind, encode(platform, sample(platform, kind)))
    adapter = ADAPTERS[platform]
    assert adapter.verify(head, body, SHOP if platform == "generic" else APP, AT)
    parsed = adapter.parse_orders(body) if kind == "order" else adapter.parse_refunds(body)
    assert len(parsed) == 1
