"""Seeded documents and queries for comparing the patched engine's matching with stock mongo-java-server."""

import random
import re
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, DESCENDING

from backend.core.database import MongoDocument

Filter = MongoDocument
Sort = list[tuple[str, int]]

# Values that the engine compares across types: 1 and 1.0 are equal, None matches missing, lists match
# by element and as a whole, nested documents only as a whole.
SCALARS: list[Any] = [0, 1, 1.0, 2, 2.5, -3, "a", "b", "c", "A", "", None, True, False]
VALUES: list[Any] = [
    *SCALARS,
    {"a": 1},
    {"a": 1, "b": 2},
    {"b": 2, "a": 1},
    [],
    ["a"],
    ["a", "b"],
    [1, "a"],
    [["a"]],
    [None],
    [{"a": 1}],
]
EXTRA_FIELDS = ["s", "tags", "status", "n.v", "k2", "nothing"]
SORTS: list[Sort | None] = [
    None,
    [("_id", ASCENDING)],
    [("s", ASCENDING), ("_id", ASCENDING)],
    [("k2", DESCENDING), ("_id", DESCENDING)],
    [("status", ASCENDING), ("tags", DESCENDING), ("_id", ASCENDING)],
    [("$natural", DESCENDING)],
]
PROJECTIONS: list[dict[str, int] | None] = [None, {"s": 1}, {"tags": 0, "n": 0}, {"_id": 0, "k1": 1, "k2": 1}]
# Unique indexes (`_id` besides): a compound one, a multikey one, a sparse one; and ignored plain ones.
UNIQUE_INDEXES: list[tuple[list[tuple[str, int]], bool]] = [
    ([("k1", ASCENDING), ("k2", ASCENDING)], False),
    ([("code", ASCENDING)], False),
    ([("email", ASCENDING)], True),
]
PLAIN_INDEXES: list[list[tuple[str, int]]] = [[("status", ASCENDING)], [("s", ASCENDING), ("_id", ASCENDING)]]


@dataclass(frozen=True)
class Query:
    """One find: a filter and the cursor's options; sorted results are compared in order."""

    filter: Filter
    sort: Sort | None = None
    skip: int = 0
    limit: int = 0
    projection: dict[str, int] | None = None


def documents(rng: random.Random, count: int) -> list[MongoDocument]:
    """Documents of every shape, some of which the unique indexes refuse (on both engines alike)."""
    docs = []
    for i in range(count):
        ident: Any = [i, f"d{i}", i + 0.5, {"n": i}][i % 4]
        doc: MongoDocument = {"_id": ident, "status": rng.choice(["new", "claimed", "done"])}
        doc["k1"] = rng.choice(["a", "b", "c", ["b", "c"], None, "missing"])
        # Mostly distinct keys, with a few collisions (null, missing, small numbers, empty arrays).
        doc["k2"] = rng.choice([i, i, i, float(i), None, "missing", rng.randint(0, 3)])
        doc["code"] = rng.choice([f"c{i}", f"c{i}", f"c{i}", [f"c{i}", f"x{i}"], [[f"n{i}"]], [], "missing"])
        doc["email"] = rng.choice([f"e{i}@x", "missing"])
        doc["s"] = rng.choice([*VALUES, "missing"])
        doc["tags"] = rng.choice(["missing", "a", ["a", "b"], ["c"], [["a"]], [1, "b", None], []])
        doc["n"] = rng.choice([{"v": rng.choice(VALUES)}, "missing", [{"v": "a"}, {"v": 2}]])
        docs.append({key: value for key, value in doc.items() if value != "missing"})
    return docs


def pick_values(rng: random.Random, docs: list[MongoDocument], key: str, strings_only: bool) -> list[Any]:
    """A short `$in` list: values present in the data (or not), sometimes empty or of one value."""
    size = rng.choice([0, 1, 1, 2, 3, 5])
    present = [doc[key] for doc in docs if key in doc]
    pool = present + VALUES
    if strings_only:
        pool = [v for v in pool if isinstance(v, str)] + ["zz"]
    return [rng.choice(pool) for _ in range(size)]


def condition(
    rng: random.Random, docs: list[MongoDocument], key: str, doc: MongoDocument | None = None
) -> Any:
    """A condition on `key`, often `doc`'s value: equality, `$in`, `$nin`, `$ne`, `$exists`, range, regex."""
    doc = doc or rng.choice(docs)
    value = doc.get(key.split(".")[0], None) if rng.random() < 0.8 else rng.choice(VALUES)
    if key == "n.v" and isinstance(value, dict):
        value = value.get("v")
    kind = rng.choice(["eq", "eq", "in_own", "in_own", "in", "in_str", "nin", "ne", "exists", "gt", "regex"])
    if kind == "eq":
        return value
    if kind == "in_own":
        return {"$in": [*pick_values(rng, docs, key, False), value]}
    if kind in ("in", "in_str", "nin"):
        values = pick_values(rng, docs, key, kind == "in_str")
        return {"$nin" if kind == "nin" else "$in": values}
    if kind == "ne":
        return {"$ne": value}
    if kind == "exists":
        return {"$exists": rng.random() < 0.5}
    if kind == "gt":
        return {rng.choice(["$gt", "$lte"]): rng.choice(SCALARS[:6])}
    return re.compile(rng.choice(["^a", "b", "^d1", "^1"]))


def with_extras(
    rng: random.Random, docs: list[MongoDocument], base: Filter, doc: MongoDocument | None = None
) -> Filter:
    """`base` plus one or two conditions on other fields (which may or may not hold)."""
    keys = rng.sample(EXTRA_FIELDS, rng.choice([1, 1, 2]))
    extra = {key: condition(rng, docs, key, doc) for key in keys}
    return {**base, **{key: value for key, value in extra.items() if key not in base}}


def unique_key_filter(rng: random.Random, docs: list[MongoDocument]) -> Filter:
    """All keys of a unique index with plain values or `$in`: where the patch narrows by the index."""
    doc = rng.choice(docs)
    keys = rng.choice([["_id"], ["k1", "k2"], ["code"], ["email"]])
    base: Filter = {}
    for key in keys:
        value = doc.get(key) if rng.random() < 0.8 else rng.choice(VALUES)
        if len(keys) == 1 and rng.random() < 0.3:
            value = {"$in": [value, *pick_values(rng, docs, key, False)]}
        base[key] = value
    return with_extras(rng, docs, base, doc)


def partial_key_filter(rng: random.Random, docs: list[MongoDocument]) -> Filter:
    """Filters the patch must not narrow: part of the compound key, or operators on the keys."""
    doc = rng.choice(docs)
    shape = rng.choice(["k1", "k2", "k2_range", "id_range", "id_ne", "or"])
    base: Filter
    if shape in ("k1", "k2"):
        base = {shape: doc.get(shape)}
    elif shape == "k2_range":
        base = {"k1": doc.get("k1"), "k2": {"$gt": rng.choice(SCALARS[:6])}}
    elif shape == "id_range":
        base = {"_id": {rng.choice(["$gt", "$gte", "$lt"]): doc["_id"]}}
    elif shape == "id_ne":
        base = {"_id": {"$ne": doc["_id"]}, "code": condition(rng, docs, "code")}
    else:
        base = {"$or": [{"_id": doc["_id"]}, {"k1": condition(rng, docs, "k1")}]}
    return with_extras(rng, docs, base)


def in_filter(rng: random.Random, docs: list[MongoDocument]) -> Filter:
    """`$in` or `$nin` alone or with others: the set-based `$in` of strings, mixed lists, missing fields."""
    key = rng.choice(["s", "tags", "code", "_id", "k1", "n.v", "nothing", "status"])
    operator = rng.choice(["$in", "$in", "$nin"])
    base = {key: {operator: pick_values(rng, docs, key, rng.random() < 0.6)}}
    return with_extras(rng, docs, base) if rng.random() < 0.5 else base


def query(rng: random.Random, docs: list[MongoDocument], kind: str) -> Query:
    """A query of `kind` (unique, partial, in) with random sort, skip, limit and projection."""
    make = {"unique": unique_key_filter, "partial": partial_key_filter, "in": in_filter}[kind]
    sort = rng.choice(SORTS)
    # Skip and limit only with a total order: without one, which documents come first is unspecified.
    skip = rng.choice([0, 0, 1, 3]) if sort else 0
    limit = rng.choice([0, 0, 1, 2, 5]) if sort else 0
    return Query(make(rng, docs), sort, skip, limit, rng.choice(PROJECTIONS))
