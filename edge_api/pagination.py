"""Keyset pagination on one indexed, unique, sortable field; the cursor is opaque."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query

from edge_api.errors import ApiError

Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query()]


def encode(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode()


def decode(cursor: str) -> str:
    """The value a cursor of `encode` carries; anything else a client sends is a 422."""
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except ValueError as exc:  # binascii.Error, and UnicodeError both ways, are ValueErrors
        raise ApiError(422, "invalid_field", "cursor: not a cursor this API issued") from exc


async def page(
    collection: Any,
    query: dict[str, Any],
    *,
    field: str,
    limit: int,
    cursor: str | None,
    descending: bool,
    render: Callable[[dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    if cursor is not None:
        query = {**query, field: {"$lt" if descending else "$gt": decode(cursor)}}
    docs = await collection.find(query).sort(field, -1 if descending else 1).limit(limit + 1).to_list()
    more = len(docs) > limit
    docs = docs[:limit]
    next_cursor = encode(docs[-1][field]) if more and docs else None
    return {"items": [render(d) for d in docs], "next_cursor": next_cursor}
