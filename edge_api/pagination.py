"""List parameters every paginated route takes, and the one cursor codec (juhe.store.pages)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from edge_api.errors import ApiError
from juhe.store.pages import InvalidCursorError, decode_cursor, encode_cursor

Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query()]

encode = encode_cursor


def decode(cursor: str) -> str:
    """The value a cursor of `encode` carries; anything else a client sends is a 422."""
    try:
        return decode_cursor(cursor)
    except InvalidCursorError as exc:
        raise ApiError(422, "invalid_field", str(exc)) from exc
