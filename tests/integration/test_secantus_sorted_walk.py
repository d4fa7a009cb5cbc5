"""The sorted walk: a limited, sorted find along a compound index answers as the store's own method."""

from __future__ import annotations

import importlib
import importlib.metadata
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from juhe.store import secantus_server, secantus_walk
from juhe.store.embedded import EmbeddedStore
from juhe.store.pages import keyset_page

Doc = dict[str, Any]

pytestmark = pytest.mark.skipif(find_spec("secantus") is None, reason="needs the `embedded` extra")

MISSING = object()
DB = "walk"
AT = datetime(2026, 3, 1, 12, 0)
# Ties, null, absent, and every type bracket the store orders: numbers (2 and 2.0 are equal),
# strings, dates, booleans.
SORT_VALUES: list[Any] = [f"k{i:02d}" for i in range(12)] + [0, 1, 2, 2.0, 2.5, -3, None, MISSING]
SORT_VALUES += [AT, datetime(2025, 1, 1), True, False]
EQUAL_VALUES: list[Any] = ["a", "b", 1, 2.0, True, None, MISSING]


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A store with the fixes installed and three collections of mixed documents."""
    secantus_server.apply_candidate_fix()
    secantus_server.apply_sorted_walk_fix()
    store = importlib.import_module("secantus.storage").Storage(
        str(tmp_path_factory.mktemp("walk") / "wt"), enable_oplog=False
    )
    rng = random.Random(11)
    for coll in ("mixed", "strings", "trailing"):
        store.insert(DB, coll, [_doc(i, rng, strings_only=coll == "strings") for i in range(1500)])
    store.create_index(DB, "mixed", "stk", {"s": 1, "t": 1, "k": 1})
    store.create_index(DB, "mixed", "sk_desc", {"s": 1, "k": -1})
    store.create_index(DB, "strings", "stk", {"s": 1, "t": 1, "k": 1})
    store.create_index(DB, "trailing", "sku", {"s": 1, "k": 1, "u": -1})
    yield store
    store.close()


def _doc(i: int, rng: random.Random, *, strings_only: bool) -> Doc:
    values = [*SORT_VALUES[:12], None, MISSING] if strings_only else SORT_VALUES
    fields = {
        "s": rng.choice(EQUAL_VALUES[:2] if strings_only else EQUAL_VALUES),
        "t": rng.choice(["x", "y"] if strings_only else ["x", "y", 2, 2.0, True]),
        "k": rng.choice(values),
        "u": rng.randrange(3),
    }
    return {
        "_id": i,
        **{name: value for name, value in fields.items() if value is not MISSING},
        "pad": "p" * 50,
    }


def _original(storage: Any, coll: str, filter: Doc, **options: Any) -> list[Doc]:
    unwrapped = type(storage).find_matching.__wrapped__
    result: list[Doc] = unwrapped(storage, DB, coll, filter, **options)
    return result


def _random_find(rng: random.Random, equal: list[str]) -> tuple[Doc, Doc]:
    """A filter of equalities on `equal` plus maybe a range on k, and random sort options."""
    filter: Doc = {name: rng.choice(["a", "b", 1, 2, 2.0, True, "x", "y"]) for name in equal}
    bounds = {
        op: rng.choice([v for v in SORT_VALUES if v is not MISSING and v is not None])
        for op in rng.sample(["$gt", "$gte", "$lt", "$lte"], rng.randrange(3))
    }
    if bounds:
        filter["k"] = bounds
    options = {
        "sort": {"k": rng.choice([1, -1])},
        "limit": rng.randrange(1, 25),
        "skip": rng.choice([0, 0, 2]),
    }
    return filter, options


@pytest.mark.parametrize(
    ("coll", "equal"), [("mixed", ["s", "t"]), ("mixed", ["t", "s"]), ("mixed", ["s"]), ("trailing", ["s"])]
)
def test_walk_answers_as_the_store_for_random_finds(storage: Any, coll: str, equal: list[str]) -> None:
    """Same documents in the same order as the unwrapped method, and the walk served most finds."""
    rng = random.Random(f"{coll}:{','.join(equal)}")
    walked = 0
    for _ in range(300):
        filter, options = _random_find(rng, equal)
        answer = secantus_walk.answer(storage, DB, coll, filter, dict(options))
        walked += answer is not None
        expected = _original(storage, coll, filter, **options)
        assert storage.find_matching(DB, coll, filter, **options) == expected, (filter, options)
        assert answer in (None, expected), (filter, options)
    assert walked >= 100


def _python_page(docs: list[Doc], filter: Doc, after: str | None, limit: int) -> list[Doc]:
    """The page computed here: null and absent sort first, then strings, ties by insertion."""
    found = [d for d in docs if all(d.get(f) == v for f, v in filter.items())]
    found = [d for d in found if after is None or (isinstance(d.get("k"), str) and d["k"] > after)]
    return sorted(found, key=lambda d: (d.get("k") is not None, d.get("k") or "", d["_id"]))[:limit]


def test_walk_pages_match_pages_computed_in_python(storage: Any) -> None:
    """Pages after random cursors, with ties, null and absent keys, equal what Python computes."""
    docs = storage.find_matching(DB, "strings", {})
    rng = random.Random(5)
    for _ in range(200):
        filter = {"s": rng.choice("ab"), "t": rng.choice("xy")}
        after = rng.choice([None, *SORT_VALUES[:12]])
        query = filter if after is None else {**filter, "k": {"$gt": after}}
        limit = rng.randrange(1, 40)
        options = {"sort": {"k": 1}, "limit": limit}

        assert secantus_walk.answer(storage, DB, "strings", query, options) == _python_page(
            docs, filter, after, limit
        )
        assert storage.find_matching(DB, "strings", query, **options) == _python_page(
            docs, filter, after, limit
        )


UNCOVERED: list[tuple[Doc, Doc]] = [
    ({"s": "a", "t": "x"}, {"sort": {"k": 1}, "limit": 0}),  # no limit
    ({"s": "a", "t": "x"}, {"sort": {"k": 1}, "limit": 5, "projection": {"k": 1}}),
    ({"s": "a", "t": "x"}, {"sort": {"k": 1}, "limit": 5, "hint": "stk"}),
    ({"s": "a", "t": "x"}, {"sort": {"k": 1, "u": 1}, "limit": 5}),  # two sort fields
    ({"s": None, "t": "x"}, {"sort": {"k": 1}, "limit": 5}),  # null also matches absent
    ({"s": "a", "t": {"$in": ["x"]}}, {"sort": {"k": 1}, "limit": 5}),
    ({"s": "a", "t": "x", "k": {"$in": ["k01"]}}, {"sort": {"k": 1}, "limit": 5}),
    ({"s": "a", "t": "x", "k": {"$ne": "k01"}}, {"sort": {"k": 1}, "limit": 5}),
    ({"s": "a", "t": "x", "$and": [{"u": 1}]}, {"sort": {"k": 1}, "limit": 5}),
    ({"t": "x"}, {"sort": {"k": 1}, "limit": 5}),  # no index is led by t
    ({"s": "a", "t": "x"}, {"sort": {"u": 1}, "limit": 5}),  # sort field not next in the index
]


@pytest.mark.parametrize(("filter", "options"), UNCOVERED)
def test_shapes_the_walk_cannot_prove_go_to_the_store(storage: Any, filter: Doc, options: Doc) -> None:
    """The walk declines, and the wrapped method still answers as the original."""
    assert secantus_walk.answer(storage, DB, "strings", filter, dict(options)) is None
    assert storage.find_matching(DB, "strings", filter, **options) == _original(
        storage, "strings", filter, **options
    )


@pytest.mark.parametrize("option", [{"sparse": True}, {"partialFilterExpression": {"u": {"$gte": 1}}}])
def test_sparse_and_partial_indexes_are_not_walked(tmp_path: Path, option: Doc) -> None:
    """An index missing documents would drop them from the page, so the store answers."""
    with _small_store(tmp_path, {"s": 1, "k": 1}, option) as store:
        query = {"s": "a", "u": {"$gte": 1}} if "partialFilterExpression" in option else {"s": "a"}
        assert secantus_walk.answer(store, DB, "c", query, {"sort": {"k": 1}, "limit": 3}) is None
        assert store.find_matching(DB, "c", query, sort={"k": 1}, limit=3) == _original(
            store, "c", query, sort={"k": 1}, limit=3
        )


def test_multikey_index_is_not_walked(tmp_path: Path) -> None:
    """Once a document holds an array in the index, its order is not the sort's: the store answers."""
    with _small_store(tmp_path, {"s": 1, "k": 1}, {}) as store:
        store.insert(DB, "c", [{"_id": 99, "s": "a", "k": ["k00", "k99"]}])
        options: Doc = {"sort": {"k": -1}, "limit": 3}

        assert secantus_walk.answer(store, DB, "c", {"s": "a"}, {"sort": {"k": 1}, "limit": 3}) is None
        assert store.find_matching(DB, "c", {"s": "a"}, **options)[0]["_id"] == 99
        assert store.find_matching(DB, "c", {"s": "a"}, **options) == _original(
            store, "c", {"s": "a"}, **options
        )


@contextmanager
def _small_store(tmp_path: Path, key_spec: Doc, options: Doc) -> Iterator[Any]:
    """A fresh store with 21 documents under one index."""
    secantus_server.apply_sorted_walk_fix()
    store = importlib.import_module("secantus.storage").Storage(str(tmp_path / "wt"), enable_oplog=False)
    try:
        store.insert(DB, "c", [{"_id": i, "s": "a", "k": f"k{i % 7:02d}", "u": i % 3} for i in range(20)])
        store.insert(DB, "c", [{"_id": 50, "s": "a", "u": 0}])  # absent from a sparse index
        store.create_index(DB, "c", "sk", key_spec, options)
        yield store
    finally:
        store.close()


def test_sorted_walk_is_installed_once() -> None:
    """Applying twice does not stack wrappers, and the marker says it is in place."""
    secantus_server.apply_sorted_walk_fix()
    secantus_server.apply_sorted_walk_fix()
    original = importlib.import_module("secantus.storage").Storage.find_matching.__wrapped__

    assert secantus_server.sorted_walk_applied() is True
    assert not hasattr(original, "__wrapped__")


def test_sorted_walk_refuses_another_secantus_release(monkeypatch: pytest.MonkeyPatch) -> None:
    """It walks private internals, so any release but 0.7.0b3 is refused by name."""
    monkeypatch.setattr(importlib.metadata, "version", lambda _dist: "0.7.1")

    with pytest.raises(RuntimeError, match=r"needs secantusdb==0\.7\.0b3, found 0\.7\.1"):
        secantus_server.apply_sorted_walk_fix()


def test_values_outside_the_walks_scalars_are_refused() -> None:
    """Arrays, NaN, dotted paths and a lone `_id` are refused before any index is read."""
    assert secantus_walk.shape_of({"s": datetime(2026, 1, 1, tzinfo=UTC)}, {"k": 1}) is not None
    assert secantus_walk.shape_of({"s": [1]}, {"k": 1}) is None
    assert secantus_walk.shape_of({"s": float("nan")}, {"k": 1}) is None
    assert secantus_walk.shape_of({"a.b": 1}, {"k": 1}) is None
    assert secantus_walk.shape_of({"_id": 1}, {"k": 1}) is None


async def _all_pages(coll: Any, query: Doc, *, limit: int, descending: bool) -> list[str]:
    """Every page of `keyset_page`, followed cursor by cursor, as the ids in order."""
    ids: list[str] = []
    cursor: str | None = None
    while True:
        docs, cursor = await keyset_page(
            coll, query, field="list_key", limit=limit, cursor=cursor, descending=descending
        )
        ids += [d["_id"] for d in docs]
        if cursor is None:
            return ids


async def test_supplier_pages_through_the_embedded_store(tmp_path: Path) -> None:
    """The child process serves the supplier pull page by page, in list_key order, none lost."""
    rng = random.Random(3)
    docs = [
        {"_id": f"so-{i:04d}", "supplier_id": rng.choice("AB"), "status": rng.choice(["routed", "shipped"])}
        | {"list_key": f"2026-03-{rng.randrange(1, 29):02d}|so-{i:04d}"}
        for i in range(600)
    ]
    routed = sorted(
        (d for d in docs if d["supplier_id"] == "A" and d["status"] == "routed"), key=lambda d: d["list_key"]
    )
    query = {"supplier_id": "A", "status": "routed"}
    with EmbeddedStore(tmp_path) as url:
        client: AsyncMongoClient[Doc] = AsyncMongoClient(url)
        coll = client.juhe_test.sub_orders
        await coll.create_index([("supplier_id", 1), ("status", 1), ("list_key", 1)])
        await coll.insert_many(docs)

        ascending = await _all_pages(coll, query, limit=7, descending=False)
        descending = await _all_pages(coll, query, limit=7, descending=True)  # walked backwards
        await client.close()

    assert ascending == [d["_id"] for d in routed]
    assert descending == [d["_id"] for d in reversed(routed)]
