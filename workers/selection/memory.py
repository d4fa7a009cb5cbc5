"""In-memory twin of `MongoSelections`: same calls, same conditions, each call atomic."""

from __future__ import annotations

from datetime import datetime

from workers.selection.model import LISTED, LOG_KEEP, Change, Expect, PushLogEntry, Selection


class MemorySelections:
    def __init__(self) -> None:
        self.selections: dict[str, Selection] = {}

    async def get(self, selection_id: str) -> Selection | None:
        return self.selections.get(selection_id)

    async def insert_or_get(self, selection: Selection) -> Selection:
        return self.selections.setdefault(selection.id, selection)

    async def change(
        self, selection_id: str, expect: Expect, change: Change, *, bump: bool
    ) -> Selection | None:
        sel = self.selections.get(selection_id)
        if sel is None or not expect.holds(sel):
            return None
        fields = change.fields() | ({"revision": sel.revision + 1} if bump else {})
        return self._put(sel, fields)

    async def by_product(self, product_id: str) -> list[Selection]:
        return [s for s in self.selections.values() if s.product_id == product_id]

    async def listed_for_skus(self, skus: list[str]) -> list[Selection]:
        return [s for s in self.selections.values() if s.sku in skus and s.status == LISTED]

    async def lease_push(self, selection_id: str, revision: int, now: datetime, until: datetime) -> bool:
        sel = self.selections.get(selection_id)
        if sel is None or sel.revision != revision:
            return False
        held = sel.push_lease_revision
        fresh = held is None or held < revision
        expired = held == revision and sel.push_lease_until is not None and sel.push_lease_until <= now
        if fresh or expired:
            self._put(sel, {"push_lease_revision": revision, "push_lease_until": until})
        return fresh or expired

    async def renew_push_lease(self, selection_id: str, until: datetime) -> None:
        if (sel := self.selections.get(selection_id)) is not None:
            self._put(sel, {"push_lease_until": until})

    async def open_stock_window(self, selection_id: str, token: str) -> bool:
        sel = self.selections.get(selection_id)
        if sel is None or sel.status != LISTED or sel.stock_push_pending is not None:
            return False
        self._put(sel, {"stock_push_pending": token})
        return True

    async def close_stock_window(self, selection_id: str, token: str) -> Selection | None:
        sel = self.selections.get(selection_id)
        if sel is not None and sel.stock_push_pending == token:
            return self._put(sel, {"stock_push_pending": None, "stock_push_token": token})
        return sel if sel is not None and sel.stock_push_token == token else None

    async def log(
        self, selection_id: str, entry: PushLogEntry, *, delivered_revision: int | None = None
    ) -> None:
        sel = self.selections.get(selection_id)
        if sel is None:
            return
        fields: dict[str, object] = {"deliveries": [*sel.deliveries, entry][-LOG_KEEP:]}
        if delivered_revision is not None:
            fields["delivered_revision"] = max(sel.delivered_revision, delivered_revision)
        self._put(sel, fields)

    def _put(self, sel: Selection, fields: dict[str, object]) -> Selection:
        self.selections[sel.id] = sel.model_copy(update=fields)
        return self.selections[sel.id]
