"""Keyset pages: documents in one indexed, unique order, continued after an opaque cursor."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")

NOT_ISSUED = "cursor: not a cursor this API issued"


class Page(BaseModel, Generic[T]):
    items: list[T]
    #: Pass it back as `cursor` for the next page; null on the last one.
    next_cursor: str | None


class InvalidCursorError(ValueError):
    """A cursor the API did not issue; the message names the parameter (`cursor: ...`)."""


def encode_cursor(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursorError(NOT_ISSUED) from exc


async def keyset_page(
    collection: Any, query: dict[str, Any], *, field: str, limit: int, cursor: str | None, descending: bool
) -> tuple[list[dict[str, Any]], str | None]:
    """Up to `limit` documents in `field` order after `cursor`, and the cursor of the next page."""
    if cursor is not None:
        query = {**query, field: {"$lt" if descending else "$gt": decode_cursor(cursor)}}
    docs = await collection.find(query).sort(field, -1 if descending else 1).limit(limit + 1).to_list()
    more = len(docs) > limit
    docs = docs[:limit]
    return docs, encode_cursor(str(docs[-1][field])) if more and docs else None
