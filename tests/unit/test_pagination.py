"""Cursors: what `encode_cursor` issues decodes back; any other text is refused as not issued
(the edge answers that 422 `invalid_field` naming `cursor`), never another exception."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from juhe.store.pages import NOT_ISSUED, InvalidCursorError, decode_cursor, encode_cursor


@settings(max_examples=300, deadline=None)
@given(cursor=st.text(max_size=60) | st.from_regex(r"[A-Za-z0-9_\-=]{0,40}", fullmatch=True))
@example(cursor="\ud800")  # a lone surrogate cannot even be encoded
@example(cursor="/w==")  # base64 of a byte that is no UTF-8
@example(cursor="é")
@example(cursor="a")  # bad padding
def test_any_text_decodes_or_is_refused_as_not_issued(cursor: str) -> None:
    try:
        outcome = type(decode_cursor(cursor)).__name__
    except InvalidCursorError as refused:
        outcome = str(refused)
    assert outcome in {"str", NOT_ISSUED}


@settings(max_examples=100, deadline=None)
@given(value=st.text(max_size=60))
def test_what_encode_issues_decodes_back(value: str) -> None:
    assert decode_cursor(encode_cursor(value)) == value


def test_a_refused_cursor_names_the_field() -> None:
    with pytest.raises(InvalidCursorError) as refused:
        decode_cursor("/w==")
    assert str(refused.value) == "cursor: not a cursor this API issued"
