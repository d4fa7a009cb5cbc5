"""Group inserts: inserts into one collection that arrive while another is being written go to
the store together, as one unordered `insert` command (a group commit).

Each caller still learns the fate of its own documents (stored, or already there) and returns
only once they are stored, so a message is acked after its effects as before. Nothing waits
on purpose: an insert into an idle collection is written at once; under load, the inserts that
queue behind the one in flight share the next write. The store commits, and with sync on commit
flushes, once per group instead of once per document.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, WriteError

Doc = dict[str, Any]
DUPLICATE_KEY = 11000
#: Documents per insert command; a longer queue is written in several.
MAX_GROUP = 500


@dataclass
class _Queued:
    doc: Doc
    stored: asyncio.Future[bool]


@dataclass
class GroupInsert:
    """Inserts into one collection, written in groups. `collection` is resolved at each write,
    so the group may be made before the store connects."""

    collection: Callable[[], AsyncCollection[Doc]]
    max_group: int = MAX_GROUP
    _queue: list[_Queued] = field(default_factory=list)
    _writer: asyncio.Task[None] | None = None

    async def insert(self, docs: Sequence[Doc]) -> list[bool]:
        """Per document: True if this call stored it, False if its key was already taken."""
        loop = asyncio.get_running_loop()
        queued = [_Queued(doc, loop.create_future()) for doc in docs]
        self._queue.extend(queued)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_queued())
            self._writer.add_done_callback(self._fail_unwritten)
        return list(await asyncio.gather(*(q.stored for q in queued)))

    async def insert_one(self, doc: Doc) -> bool:
        (stored,) = await self.insert([doc])
        return stored

    async def _write_queued(self) -> None:
        while self._queue:
            group = self._queue[: self.max_group]
            await self._write(group)
            # Taken off only once written: a writer stopped mid-write leaves it for _fail_unwritten.
            del self._queue[: len(group)]

    def _fail_unwritten(self, writer: asyncio.Task[None]) -> None:
        """A writer cancelled (shutting down) must not leave anybody waiting for its write."""
        if self._queue and writer is self._writer:
            unwritten, self._queue = self._queue, []
            for q in unwritten:
                _settle(q.stored, RuntimeError("the store writer stopped"))

    async def _write(self, group: list[_Queued]) -> None:
        try:
            await self.collection().insert_many([q.doc for q in group], ordered=False)
        except BulkWriteError as exc:
            _settle_partly(group, exc)
        except Exception as exc:  # the whole group failed: every caller sees it and is redelivered
            for q in group:
                _settle(q.stored, exc)
        else:
            for q in group:
                _settle(q.stored, True)


def _settle_partly(group: list[_Queued], exc: BulkWriteError) -> None:
    """A duplicate key is an answer (already there); any other write error fails its caller,
    and a write concern error every caller (none of the group is known to be durable)."""
    if exc.details.get("writeConcernErrors"):
        for q in group:
            _settle(q.stored, exc)
        return
    failed: dict[int, Doc] = {error["index"]: error for error in exc.details.get("writeErrors", [])}
    for index, q in enumerate(group):
        error = failed.get(index)
        if error is None:
            _settle(q.stored, True)
        elif error.get("code") == DUPLICATE_KEY:
            _settle(q.stored, False)
        else:
            _settle(q.stored, WriteError(error.get("errmsg", "insert failed"), error.get("code"), error))


def _settle(stored: asyncio.Future[bool], outcome: bool | BaseException) -> None:
    if stored.done():  # its caller was cancelled; a redelivery will find the document
        return
    if isinstance(outcome, BaseException):
        stored.set_exception(outcome)
    else:
        stored.set_result(outcome)


@dataclass
class GroupInserts:
    """One group insert per collection of a database, shared by everything in the process that
    inserts there (each area's repository asks for its own collections' groups)."""

    db: Callable[[], AsyncDatabase[Doc]]
    _groups: dict[str, GroupInsert] = field(default_factory=dict)

    def __call__(self, name: str) -> GroupInsert:
        group = self._groups.get(name)
        if group is None:
            group = self._groups[name] = GroupInsert(lambda: self.db()[name])
        return group


def private_inserts(db: AsyncDatabase[Doc]) -> GroupInserts:
    """Groups for one repository alone, for callers that do not share the process's."""
    return GroupInserts(lambda: db)
