"""What every part of the accounts repository shares: the database, and insert-once."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from workers.accounts.queries import AccountsQueries

Doc = dict[str, Any]
M = TypeVar("M", bound=BaseModel)


class Writer:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db
        #: The reads the rules need are the read side's own.
        self._queries = AccountsQueries(db)

    async def _insert_once(self, collection: AsyncCollection[Doc], item: M) -> M:
        """Insert, or return what a previous delivery (or someone else) stored under the id."""
        doc = document(item)
        try:
            await collection.insert_one(doc)
        except DuplicateKeyError:
            existing = await collection.find_one({"_id": doc["_id"]})
            assert existing is not None
            return type(item).model_validate(existing)
        return item


def document(item: BaseModel) -> Doc:
    """A stored model as its document: `_id` under its own name."""
    return item.model_dump(by_alias=True)
