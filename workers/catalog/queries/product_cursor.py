"""The product list's cursor: the sort it was issued for and the last (key, id) of a page.

A cursor comes back from the client, so anything may come back: whatever the API did not
issue is refused as `InvalidCursorError`, never let through to fail later in the scan.
"""

from __future__ import annotations

import base64
import json

from juhe.store.pages import NOT_ISSUED, InvalidCursorError
from workers.catalog.queries.product_list import SORTS, SortName

#: Keys of the created-at sorts are microsecond positions, stored as 64-bit integers.
_INT64 = range(-(2**63), 2**63)


def encode_cursor(sort: SortName, key: int | str, product_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([sort, key, product_id]).encode()).decode()


def decode_cursor(cursor: str, sort: SortName) -> tuple[int | str, str]:
    """The (key, id) a page continues after; `InvalidCursorError` for any other text."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, RecursionError) as exc:  # not base64, not UTF-8, not JSON, too deep, ...
        raise InvalidCursorError(NOT_ISSUED) from exc
    if not isinstance(decoded, list) or len(decoded) != 3:
        raise InvalidCursorError(NOT_ISSUED)
    issued_for, key, product_id = decoded
    if not isinstance(issued_for, str) or issued_for not in SORTS:
        raise InvalidCursorError(NOT_ISSUED)
    if issued_for != sort:
        raise InvalidCursorError(f"cursor: issued for sort={issued_for}, not {sort}")
    if not isinstance(product_id, str) or not _fits(sort, key):
        raise InvalidCursorError(NOT_ISSUED)
    return key, product_id


def _fits(sort: SortName, key: object) -> bool:
    """Whether `key` is what this sort orders by: a name, or a 64-bit position (bool is not one)."""
    if SORTS[sort].position == "pos_name":
        return isinstance(key, str)
    return type(key) is int and key in _INT64
