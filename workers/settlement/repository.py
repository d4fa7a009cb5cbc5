"""Settlement entries and statements: the only code that writes them. A line joins a statement
in one conditional update (still open, not yet holding it) that also adds it to the total."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from workers.settlement.model import Entry, Period, Statement, StatementLine, StatementStatus

Doc = dict[str, Any]
#: Open statements the periodic job issues per round.
DUE_BATCH = 500


class MongoSettlementRepository:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._entries = db[Entry.COLLECTION]
        self._statements = db[Statement.COLLECTION]

    async def record(self, entry: Entry) -> Entry:
        try:
            await self._entries.insert_one(entry.model_dump(by_alias=True))
        except DuplicateKeyError:  # a repeat: the first one stands
            stored = await self.entry(entry.key)
            assert stored is not None  # entries are never deleted
            return stored
        return entry

    async def entry(self, key: str) -> Entry | None:
        doc = await self._entries.find_one({"_id": key})
        return None if doc is None else Entry.model_validate(doc)

    async def move_entry(self, key: str, from_statement: str, to: Period) -> Entry | None:
        current = await self.entry(key)
        if current is None or current.statement_id != from_statement:
            return None
        placed = current.placed_in(to).model_dump(include={"period", "statement_id"})
        doc = await self._entries.find_one_and_update(
            {"_id": key, "statement_id": from_statement},
            {"$set": placed},
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else Entry.model_validate(doc)

    async def statement(self, statement_id: str) -> Statement | None:
        doc = await self._statements.find_one({"_id": statement_id})
        return None if doc is None else Statement.model_validate(doc)

    async def open_statement(self, supplier_id: str, period: Period) -> Statement:
        opened = Statement.opened(supplier_id, period)
        try:
            doc = await self._statements.find_one_and_update(
                {"_id": opened.id},
                {"$setOnInsert": opened.model_dump(by_alias=True, exclude={"id"})},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:  # a concurrent first use created it
            doc = await self._statements.find_one({"_id": opened.id})
        assert doc is not None  # statements are never deleted
        return Statement.model_validate(doc)

    async def add_line(self, statement_id: str, line: StatementLine) -> bool:
        result = await self._statements.update_one(
            {"_id": statement_id, "status": StatementStatus.OPEN.value, "lines.key": {"$ne": line.key}},
            {"$push": {"lines": line.model_dump()}, "$inc": {"total": line.amount}},
        )
        return result.modified_count == 1

    async def move(
        self, statement_id: str, source: StatementStatus, target: StatementStatus, fields: dict[str, object]
    ) -> Statement | None:
        doc = await self._statements.find_one_and_update(
            {"_id": statement_id, "status": source.value},
            {"$set": {"status": target.value, **fields}},
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else Statement.model_validate(doc)

    async def due(self, ended_before: datetime) -> Sequence[Statement]:
        query = {"status": StatementStatus.OPEN.value, "period.end": {"$lte": ended_before}}
        docs = await self._statements.find(query).limit(DUE_BATCH).to_list()
        return [Statement.model_validate(doc) for doc in docs]


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    statements = db[Statement.COLLECTION]
    await statements.create_index([("list_key", ASCENDING)], unique=True)
    await statements.create_index([("supplier_id", ASCENDING), ("list_key", ASCENDING)])
    await statements.create_index([("status", ASCENDING), ("period.end", ASCENDING)])
    await db[Entry.COLLECTION].create_index([("supplier_id", ASCENDING)])
