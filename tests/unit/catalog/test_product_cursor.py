"""The product list's cursor: what the API issued comes back whole; anything else is a 422."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from juhe.store.pages import InvalidCursorError
from workers.catalog.queries.product_cursor import decode_cursor, encode_cursor
from workers.catalog.queries.product_list import SORTS, SortName

NOT_ISSUED = "cursor: not a cursor this API issued"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    ("sort", "key"),
    [("created_at", 1_700_000_000_000_000), ("-created_at", 0), ("name", "铅笔 01"), ("-name", "")],
)
def test_an_issued_cursor_decodes_to_its_key_and_id(sort: SortName, key: int | str) -> None:
    assert decode_cursor(encode_cursor(sort, key, "prd_1"), sort) == (key, "prd_1")


@pytest.mark.parametrize(
    "cursor",
    [
        "nope",
        b64(["-created_at", {"a": 1}, "prd_1"]),  # once a TypeError in the scan: a 500
        b64(["-created_at", "abc", "prd_1"]),  # once a ValueError: a 500
        b64(["-created_at", 1.5, "prd_1"]),
        b64(["-created_at", True, "prd_1"]),
        b64(["-created_at", 2**64, "prd_1"]),
        b64(["-created_at", 1, 7]),
        b64([["-created_at"], 1, "prd_1"]),
        b64({"sort": "-created_at"}),
        b64(["-created_at", 1]),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        b64([[[[]]]]) * 2,
    ],
)
def test_a_cursor_the_api_did_not_issue_is_refused_naming_the_parameter(cursor: str) -> None:
    with pytest.raises(InvalidCursorError, match=f"^{NOT_ISSUED}$"):
        decode_cursor(cursor, "-created_at")


def test_a_cursor_of_another_sort_says_which() -> None:
    with pytest.raises(InvalidCursorError, match=r"^cursor: issued for sort=name, not -name$"):
        decode_cursor(encode_cursor("name", "a", "prd_1"), "-name")


def _decodes_or_refuses(cursor: str, sort: SortName) -> None:
    """Either a key the scan can position on, or the 422's error: never any other exception."""
    try:
        key, product_id = decode_cursor(cursor, sort)
    except InvalidCursorError as refused:
        message = str(refused)
    else:
        message = ""
        assert isinstance(product_id, str)
        assert isinstance(SORTS[sort].position_of(key), int)
    assert message.startswith("cursor: ") or not message


#: Enough to meet every shape (the strategies are small); each property stays well under a second.
fast = settings(max_examples=60)


@fast
@given(st.text(), st.sampled_from(list(SORTS)))
def test_any_text_decodes_or_is_refused(cursor: str, sort: SortName) -> None:
    _decodes_or_refuses(cursor, sort)


@fast
@given(json_values, st.sampled_from(list(SORTS)))
def test_any_json_a_client_could_encode_decodes_or_is_refused(value: Any, sort: SortName) -> None:
    _decodes_or_refuses(base64.urlsafe_b64encode(json.dumps(value).encode()).decode(), sort)


@fast
@given(st.sampled_from(list(SORTS)), json_values, json_values)
def test_any_cursor_shaped_json_decodes_or_is_refused(sort: SortName, key: Any, product_id: Any) -> None:
    _decodes_or_refuses(b64([sort, key, product_id]), sort)
