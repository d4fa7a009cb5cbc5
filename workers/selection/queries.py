"""Selection's read side: a merchant's selections, as the API shows them."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from juhe.store.pages import Page, keyset_page
from schemas.selection import SelectionStatus, SelectionView
from workers.selection.model import SELECTIONS, Selection

__all__ = ["SelectionQueries", "SelectionView"]


class SelectionQueries:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._selections = db[SELECTIONS]

    async def selection(self, selection_id: str, merchant_id: str) -> SelectionView | None:
        """The merchant's own selection, else None (another's is as good as unknown)."""
        doc = await self._selections.find_one({"_id": selection_id, "merchant_id": merchant_id})
        return None if doc is None else Selection.model_validate(doc).view()

    async def selections(
        self,
        merchant_id: str,
        *,
        platform: str | None,
        shop_id: str | None,
        status: SelectionStatus | None,
        limit: int,
        cursor: str | None,
    ) -> Page[SelectionView]:
        """The merchant's selections in id order, optionally of one platform, shop or status."""
        filters = {"platform": platform, "shop_id": shop_id, "status": status}
        query = {"merchant_id": merchant_id, **{k: v for k, v in filters.items() if v is not None}}
        docs, next_cursor = await keyset_page(
            self._selections, query, field="_id", limit=limit, cursor=cursor, descending=False
        )
        return Page(items=[Selection.model_validate(d).view() for d in docs], next_cursor=next_cursor)
