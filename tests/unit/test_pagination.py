"""Cursors: what `encode` issues decodes back; any other text is a 422, never another exception."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from edge_api.errors import ApiError
from edge_api.pagination import decode, encode


@settings(max_examples=300, deadline=None)
@given(cursor=st.text(max_size=60) | st.from_regex(r"[A-Za-z0-9_\-=]{0,40}", fullmatch=True))
@example(cursor="\ud800")  # a lone surrogate cannot even be encoded
@example(cursor="/w==")  # base64 of a byte that is no UTF-8
@example(cursor="é")
@example(cursor="a")  # bad padding
def test_any_text_decodes_or_is_a_422(cursor: str) -> None:
    try:
        value = decode(cursor)
    except ApiError as refused:
        status, code = refused.status, refused.code
    else:
        status, code = (200, "") if isinstance(value, str) else (0, "not a str")
    assert (status, code) in {(200, ""), (422, "invalid_field")}


@settings(max_examples=100, deadline=None)
@given(value=st.text(max_size=60))
def test_what_encode_issues_decodes_back(value: str) -> None:
    assert decode(encode(value)) == value


def test_a_refused_cursor_names_the_field() -> None:
    with pytest.raises(ApiError) as refused:
        decode("/w==")
    assert refused.value.message == "cursor: not a cursor this API issued"
