"""The list parameters every paginated route takes; pages and cursors are juhe.store.pages'."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page")]
