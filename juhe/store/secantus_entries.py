"""Walking one stretch of SecantusDB 0.7.0b3's index entries, either way, fetching as it goes.

An entry's key is `escape(index key bytes) + b"\\0\\0" + RecordId (8 bytes)`, sorted by WiredTiger,
so a stretch of one index under a key prefix is a contiguous run of keys. The store's own range
lookup (`_range_scan_index`) collects the whole run; this yields it lazily, forwards or backwards,
so a page can stop after its documents. Run only inside the store's child process (GPL-2.0).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]
Entry = tuple[bytes, int | None]


def secantus_module(module: str) -> Any:
    """Import a SecantusDB module as untyped, since the package ships no type information."""
    return importlib.import_module(f"secantus.{module}")


@dataclass(frozen=True)
class Walk:
    """A stretch of one index, in escaped key bytes, bounded exactly as the store bounds it."""

    index: str
    seed: bytes  # the store's seek key: the stretch's first entry is the first at or after it
    prefix: bytes  # every key in the stretch starts with it
    excluded: bytes | None = None  # a `$gt` bound: entries with exactly this key are skipped
    upper: bytes | None = None
    upper_inclusive: bool = True
    backwards: bool = False  # the sort runs opposite to the index
    field: str = ""  # the sort field, whose equal values keep index order either way

    def ends_before(self, key: bytes) -> bool:
        """Whether `key` is past the stretch, so no later entry can be in it."""
        if not key.startswith(self.prefix):
            return True
        if self.upper is None:
            return False
        return key > self.upper if self.upper_inclusive else key >= self.upper

    def end(self) -> bytes:
        """A key after every entry of the stretch and before any entry past it."""
        if self.upper is None:
            return _successor(self.prefix)
        if not self.upper_inclusive:
            return self.upper
        # An escaped key holds no `\0\0`, so past its entries comes `\0\xff` or higher.
        return self.upper + b"\x00\x00" + b"\xff" * 9


def _successor(prefix: bytes) -> bytes:
    """The first byte string after every string that starts with `prefix`."""
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return b"\xff" * (len(prefix) + 1)  # no such string: this sorts after the stretch anyway
    return stripped[:-1] + bytes([stripped[-1] + 1])


def collect(storage: Any, db: str, coll: str, route: Walk, filter: Doc, let: Any, want: int) -> list[Doc]:
    """The first `want` documents of the stretch, in sort order, that match `filter`."""
    docs = storage._cursor_optional(secantus_module("storage")._doc_table_for(db, coll))
    if docs is None:
        return []  # the collection's shard was never written
    matched = (
        doc
        for _key, record_id in _stretch(storage, db, coll, route)
        if (doc := _fetch(docs, db, coll, record_id)) is not None and _matches(doc, filter, let)
    )
    if not route.backwards:
        return [doc for _, doc in zip(range(want), matched, strict=False)]
    return _ties_in_index_order(matched, route.field, want)


def _ties_in_index_order(matched: Iterator[Doc], field: str, want: int) -> list[Doc]:
    """Backward documents regrouped so equal sort values keep index order, as the store's stable
    sort of its forward candidates keeps them; the last group is read whole before it is cut."""
    ordering = secantus_module("ordering")
    groups: list[list[Doc]] = []
    for taken, doc in enumerate(matched):
        key = ordering._SortKey(ordering._sort_value(doc, field, True))
        if groups and key == ordering._SortKey(ordering._sort_value(groups[-1][0], field, True)):
            groups[-1].append(doc)
        elif taken >= want:
            break
        else:
            groups.append([doc])
    return [doc for group in groups for doc in reversed(group)][:want]


def _stretch(storage: Any, db: str, coll: str, route: Walk) -> Iterator[Entry]:
    """The stretch's entries, as (key, RecordId), in index order or its reverse."""
    storage_mod = secantus_module("storage")
    entries = storage._cursor(storage_mod._IDX_ENTRIES_TABLE)
    if not _seek(entries, (db, coll, route.index), route):
        return
    step = entries.prev if route.backwards else entries.next
    while True:
        db_, coll_, index, packed = entries.get_key()
        key, record_id = storage_mod._unpack_entry(bytes(packed))
        if (db_, coll_, index) != (db, coll, route.index) or bytes(packed) < route.seed:
            return
        if not route.ends_before(key):
            if key != route.excluded:
                yield key, record_id
        elif not route.backwards:
            return
        if step() != 0:
            return


def _seek(cursor: Any, index: tuple[str, str, str], route: Walk) -> bool:
    """Place the cursor on the stretch's first entry in walking order; False when none can be."""
    cursor.set_key(*index, route.end() if route.backwards else route.seed)
    near: int = cursor.search_near()
    if near == secantus_module("storage").wt.WT_NOTFOUND:
        return False
    if route.backwards:
        return near < 0 or bool(cursor.prev() == 0)
    return near >= 0 or bool(cursor.next() == 0)


def _fetch(docs: Any, db: str, coll: str, record_id: int | None) -> Doc | None:
    """The document a RecordId names, or None (an entry without one, or a row gone)."""
    if record_id is None:
        return None
    storage_mod = secantus_module("storage")
    storage_mod._deadline.check()  # maxTimeMS, polled per document like the store's own loop
    docs.reset()
    docs.set_key(db, coll, record_id)
    if docs.search() != 0:
        return None
    blob: bytes = storage_mod._unframe_doc_value(bytes(docs.get_value()))[1]
    decoded: Doc = storage_mod.bson.decode(blob)
    return decoded


def _matches(doc: Doc, filter: Doc, let: Any) -> bool:
    return bool(secantus_module("query").matches(doc, filter, vars=let, collation=None))
