"""The product list's cursor: the sort it was issued for and the last (key, id) of a page."""

from __future__ import annotations

import base64
import json

from juhe.store.pages import NOT_ISSUED, InvalidCursorError
from workers.catalog.queries.product_list import SortName


def encode_cursor(sort: SortName, key: int | str, product_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([sort, key, product_id]).encode()).decode()


def decode_cursor(cursor: str, sort: SortName) -> tuple[int | str, str]:
    """The (key, id) a page continues after."""
    try:
        issued_for, key, product_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception as exc:
        raise InvalidCursorError(NOT_ISSUED) from exc
    if issued_for != sort:
        raise InvalidCursorError(f"cursor: issued for sort={issued_for}, not {sort}")
    return key, product_id
