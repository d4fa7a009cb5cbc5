"""A sorted, limited find that walks SecantusDB 0.7.0b3's compound index and stops after the page.

`Storage.find_matching` answers `find({a: 1, b: 2}).sort("c", 1).limit(n)` by fetching every
entry under the `(a, b)` prefix of an `(a, b, c)` index, matching and sorting them all, and only
then keeping `n`: a page costs the whole prefix. The walk visits the same entries with the same
bounds as the store's own lookup (`_try_compound_eq_id_keys` or `_try_compound_range_id_keys`, on
the index its pickers choose), forwards or, for a sort against the index, backwards, and stops
once enough documents matched. The store's sort is stable over those candidates in index order,
and a non-multikey index without collation holds them in the store's sort order (the store skips
its own sort on that ground for single-field walks), so its answer is the first `skip + limit`
matches, equal sort values in index order: the walk's answer. Any other shape returns None and
the caller runs the store's own method. Run only inside the store's child process (GPL-2.0).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId

from juhe.store import secantus_entries
from juhe.store.secantus_entries import Walk, secantus_module

Doc = dict[str, Any]
_RANGE_OPS = frozenset({"$gt", "$gte", "$lt", "$lte"})
# Values whose equality the index encodes as one key; None (which also matches a missing field),
# arrays, documents and regexes are left to the store.
_SCALARS = (str, int, float, datetime, ObjectId)
# find_matching options the walk understands; any other one set sends the find to the store.
_WALK_OPTIONS = frozenset({"skip", "limit", "sort", "let"})
# How the store flips a bound when the sort field is descending in the index.
_FLIPPED = {"$gt": "$lt", "$gte": "$lte", "$lt": "$gt", "$lte": "$gte"}


def answer(storage: Any, db: str, coll: str, filter: Any, options: dict[str, Any]) -> list[Doc] | None:
    """find_matching's answer by the walk, or None when the find is not a shape it answers exactly."""
    skip, limit = options.get("skip", 0), options.get("limit", 0)
    if _other_options(options) or not (isinstance(skip, int) and isinstance(limit, int)):
        return None
    shape = shape_of(filter, options.get("sort"))
    if shape is None or skip < 0 or limit <= 0 or _special(storage, db, coll):
        return None
    # The same snapshot refresh and lock as find_matching's own index walk.
    storage._refresh_read_snapshot()
    with storage._lock:
        route = plan(storage, db, coll, shape)
        if route is None:
            return None
        found = secantus_entries.collect(storage, db, coll, route, filter, options.get("let"), skip + limit)
    return found[skip:]


def _other_options(options: dict[str, Any]) -> bool:
    """Whether hint, collation, min, max or a projection is set (an empty projection is none)."""
    return any(
        bool(value) if name == "projection" else value is not None
        for name, value in options.items()
        if name not in _WALK_OPTIONS
    )


def _special(storage: Any, db: str, coll: str) -> bool:
    """Collections find_matching serves by other paths than its document table and indexes."""
    checks = (storage._is_oplog_rs, storage._is_system_users, storage._is_system_version)
    return coll.startswith("system.") or storage._is_timeseries(db, coll) or any(c(db, coll) for c in checks)


@dataclass(frozen=True)
class Shape:
    """A filter of scalar equalities plus an optional range on the single sort field."""

    equal: dict[str, Any]
    bounds: dict[str, Any]
    field: str
    direction: int


def shape_of(filter: Any, sort: Any) -> Shape | None:
    """Split a find into the shape the walk serves, or None for any other."""
    if not isinstance(filter, dict) or not filter or not isinstance(sort, dict) or len(sort) != 1:
        return None
    field, direction = next(iter(sort.items()))
    if not _plain_field(field) or direction not in (1, -1) or isinstance(direction, bool):
        return None
    if not all(_plain_field(name) for name in filter):
        return None
    equal = {name: value for name, value in filter.items() if name != field}
    if not equal or "_id" in equal or not all(_scalar(value) for value in equal.values()):
        return None
    bounds = filter.get(field, {})
    if not isinstance(bounds, dict) or not set(bounds) <= _RANGE_OPS:
        return None
    if (field in filter and not bounds) or not all(_scalar(bound) for bound in bounds.values()):
        return None
    return Shape(equal, bounds, field, int(direction))


def _plain_field(name: Any) -> bool:
    # Dotted paths may cross arrays and resolve differently in sorts and matches; leave them.
    return isinstance(name, str) and bool(name) and not name.startswith("$") and "." not in name


def _scalar(value: Any) -> bool:
    return isinstance(value, _SCALARS) and not (isinstance(value, float) and value != value)


def plan(storage: Any, db: str, coll: str, shape: Shape) -> Walk | None:
    """The walk over the index the store itself would look up, when its order is the sort's."""
    filter = {**shape.equal, shape.field: shape.bounds} if shape.bounds else shape.equal
    if shape.bounds:
        picked = storage._pick_compound_range_index(db, coll, filter, collation=None)
    else:
        picked = storage._pick_compound_eq_index(db, coll, filter, collation=None)
    if picked is None or not _walkable(storage, db, coll, picked[0]):
        return None
    name, key_spec = picked
    fields = list(key_spec)
    k = len(shape.equal)
    if len(fields) <= k or set(fields[:k]) != set(shape.equal) or fields[k] != shape.field:
        return None
    if any(key_spec[f] not in (1, -1) for f in fields):
        return None
    return _bounded(name, key_spec, fields[:k], shape)


def _walkable(storage: Any, db: str, coll: str, name: str) -> bool:
    """Whether the index holds one entry per document in the store's sort order."""
    options = storage._index_options_map(db, coll).get(name, {})
    # Multikey: one document, many entries, ordered by whichever comes first. Sparse or
    # partial: documents absent from the index. Collation: an order the bytes do not hold.
    refused = ("multikey", "sparse", "partialFilterExpression", "collation")
    return not any(options.get(option) for option in refused)


def _bounded(name: str, key_spec: dict[str, Any], prefix_fields: list[str], shape: Shape) -> Walk:
    """Encode the prefix and bounds as `_try_compound_range_id_keys` and `_range_scan_index` do."""
    storage_mod, sortkey = secantus_module("storage"), secantus_module("sortkey")
    sep, encode = sortkey.COMPOUND_SEP, sortkey.encode_value_directed
    parts = [encode(shape.equal[f], int(key_spec[f]), collation=None) for f in prefix_fields]
    prefix = sep.join(parts) + sep
    escape = storage_mod._escape_kb
    index_direction = int(key_spec[shape.field])
    lower: bytes | None = None
    lower_inclusive, upper, upper_inclusive = True, None, True
    for op, bound in shape.bounds.items():
        full = escape(prefix + encode(bound, index_direction, collation=None))
        effective = _FLIPPED[op] if index_direction == -1 else op
        if effective in ("$gt", "$gte"):
            lower, lower_inclusive = full, effective == "$gte"
        else:
            upper, upper_inclusive = full, effective == "$lte"
    seed = escape(prefix) if lower is None else lower + storage_mod._ENTRY_SEP
    excluded = None if lower_inclusive else lower
    backwards = shape.direction != index_direction
    return Walk(name, seed, escape(prefix), excluded, upper, upper_inclusive, backwards, shape.field)
