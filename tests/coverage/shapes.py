"""Query shapes of MongoDB commands, and whether a declared index serves them (equality, sort, range).

A command's filter becomes one or more branches (an `$or` makes one per alternative, each of which must
be served on its own): the paths compared for equality and the paths compared by range. The rule,
MongoDB's equality-sort-range: an index serves a branch with sort S when a prefix of its keys is some of
the branch's equality paths (any order), then S in order (same or all-reversed directions), then
optionally one range path; the prefix is non-empty, and with a sort every key before S is an equality
path (otherwise MongoDB sorts in memory). Equality on `_id` is always served.

An `$in` of one value is equality; an `$in` of several values is a range, except in the equality prefix
before the sort keys: there MongoDB scans each value's point separately and merges the sorted scans
("explode for sort", up to 200 scans), so the sort is not done in memory. A short `$in` there counts.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bson.regex import Regex

Kind = Literal["eq", "in", "range"]
Branch = dict[str, Kind]
SortKeys = tuple[tuple[str, int], ...]
IndexKeys = tuple[tuple[str, int], ...]

# Above this many values an `$in` is not exploded for a sort (MongoDB's internalQueryMaxScansToExplode).
MAX_EXPLODED_SCANS = 200
# Operators MongoDB answers from an index as one point (or a set of points taken as one).
_EQUALITY_OPERATORS = {"$eq", "$all"}
# Top-level operators no index serves: they neither narrow the scan nor count as a filter.
_UNINDEXABLE = {"$nor", "$expr", "$where", "$text", "$comment", "$jsonSchema", "$alwaysTrue", "$alwaysFalse"}


@dataclass(frozen=True, order=True)
class Shape:
    """One branch of one command's filter, with the command's sort, on one collection."""

    collection: str
    equality: tuple[str, ...]
    ranges: tuple[str, ...]  # the short `$in` lists among them too
    sort: SortKeys
    in_lists: tuple[str, ...] = ()
    # Reads at most a handful of documents whatever the filter (find with a limit, distinct on an index).
    bounded: bool = False

    def describe(self) -> str:
        ranges = (f"{p} ({'$in' if p in self.in_lists else 'range'})" for p in self.ranges)
        fields = ", ".join([*self.equality, *ranges]) or "(empty filter)"
        sort = ", ".join(f"{p} {'asc' if d == 1 else 'desc'}" for p, d in self.sort)
        return f"{self.collection}: {fields}" + (f" / sort {sort}" if sort else "")


def _merge(into: Branch, more: Mapping[str, Kind]) -> Branch:
    merged = dict(into)
    for path, kind in more.items():
        kinds = (kind, merged.get(path))
        merged[path] = "eq" if "eq" in kinds else "in" if "in" in kinds else "range"
    return merged


def _product(left: list[Branch], right: list[Branch]) -> list[Branch]:
    return [_merge(a, b) for a in left for b in right]


def _is_operator_document(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value) and all(str(k).startswith("$") for k in value)


def _field(path: str, value: Any) -> list[Branch]:
    """The branches of one `path: condition` pair."""
    if isinstance(value, re.Pattern | Regex):
        return [{path: "range"}]
    if not _is_operator_document(value):
        return [{path: "eq"}]  # a plain value, None, or an exact sub-document
    kinds: list[Kind] = []
    branches: list[Branch] = [{}]
    for op, arg in value.items():
        if op == "$elemMatch":
            # On sub-documents: its conditions are on `path.<field>`; on values: on `path` itself.
            inner = (
                _field(path, arg) if _is_operator_document(arg) else filter_branches(arg, prefix=f"{path}.")
            )
            branches = _product(branches, inner)
        elif op in _EQUALITY_OPERATORS or (op == "$in" and len(arg) <= 1):
            kinds.append("eq")
        elif op == "$in" and len(arg) <= MAX_EXPLODED_SCANS:
            kinds.append("in")
        elif op in ("$options",):
            continue
        else:  # $gt $gte $lt $lte $ne $nin $exists $regex $not $size $type $mod, $in with many values
            kinds.append("range")
    if kinds:
        kind: Kind = "eq" if "eq" in kinds else "in" if kinds == ["in"] else "range"
        branches = _product(branches, [{path: kind}])
    return branches


def filter_branches(query: Mapping[str, Any] | None, prefix: str = "") -> list[Branch]:
    """The alternatives of a filter: each a path -> "eq" | "range" map (an empty map: no usable filter)."""
    branches: list[Branch] = [{}]
    for key, value in (query or {}).items():
        if key == "$and":
            for part in value:
                branches = _product(branches, filter_branches(part, prefix))
        elif key == "$or":
            alternatives = [b for part in value for b in filter_branches(part, prefix)]
            branches = _product(branches, alternatives)
        elif key in _UNINDEXABLE or key.startswith("$"):
            continue
        else:
            branches = _product(branches, _field(f"{prefix}{key}", value))
    return branches


def sort_keys(sort: Mapping[str, Any] | Sequence[Any] | None) -> SortKeys:
    if not sort:
        return ()
    items = sort.items() if isinstance(sort, Mapping) else sort
    return tuple((str(path), int(direction)) for path, direction in items if isinstance(direction, int))


def served(
    equality: Iterable[str],
    ranges: Iterable[str],
    sort: SortKeys,
    index: IndexKeys,
    in_lists: Iterable[str] = (),
) -> bool:
    """Whether `index` serves the branch by the equality-sort-range rule (see the module docstring)."""
    eq, rng, points = set(equality), set(ranges), set(equality) | set(in_lists)
    if not index:
        return False
    # A sort key bound by an equality is constant across the results: MongoDB ignores it.
    wanted = tuple((p, d) for p, d in sort if p not in eq)
    reversed_wanted = tuple((p, -d) for p, d in wanted)
    j = 0
    while True:
        rest = index[j:]
        if wanted:
            head = tuple(rest[: len(wanted)])
            if head in (wanted, reversed_wanted):
                return True
        elif j >= 1 or (rest and rest[0][0] in rng):
            return True
        if j < len(index) and index[j][0] in points:
            j += 1
        else:
            return False


def shape_served(shape: Shape, indexes: Sequence[IndexKeys]) -> bool:
    if shape.bounded or "_id" in shape.equality:
        return True
    return any(served(shape.equality, shape.ranges, shape.sort, index, shape.in_lists) for index in indexes)


def _shapes(
    collection: str, query: Mapping[str, Any] | None, sort: SortKeys = (), *, bounded: bool = False
) -> list[Shape]:
    result = []
    for branch in filter_branches(query):
        equality = tuple(sorted(p for p, k in branch.items() if k == "eq"))
        ranges = tuple(sorted(p for p, k in branch.items() if k != "eq"))
        in_lists = tuple(sorted(p for p, k in branch.items() if k == "in"))
        empty = not equality and not ranges
        result.append(
            Shape(collection, equality, ranges, sort, in_lists, bounded=bounded and empty and not sort)
        )
    return result


def _pipeline_shapes(collection: str, pipeline: Sequence[Mapping[str, Any]]) -> list[Shape]:
    """The leading `$match` (and `$sort` after it), and each `$lookup`'s equality on its foreign field."""
    query: Mapping[str, Any] = {}
    sort: SortKeys = ()
    stages = list(pipeline)
    if stages and "$match" in stages[0]:
        query = stages.pop(0)["$match"]
    if stages and "$sort" in stages[0]:
        sort = sort_keys(stages.pop(0)["$sort"])
    result = _shapes(collection, query, sort)
    for stage in pipeline:
        lookup = stage.get("$lookup")
        if isinstance(lookup, Mapping) and "foreignField" in lookup:
            result.append(Shape(str(lookup["from"]), (str(lookup["foreignField"]),), (), ()))
    return result


# Commands whose filter selects documents, with where the collection's name and the filter are.
CHECKED_COMMANDS = {"find", "count", "aggregate", "update", "delete", "findAndModify", "distinct"}


def command_shapes(name: str, command: Mapping[str, Any]) -> list[Shape]:
    """Every query shape one command runs ([] for commands that select nothing: insert, createIndexes...)."""
    if name not in CHECKED_COMMANDS:
        return []
    collection = command.get(name)
    if not isinstance(collection, str):  # aggregate: 1 (database-level) has no collection to index
        return []
    if name == "find":
        limited = bool(command.get("limit")) or bool(command.get("singleBatch"))
        return _shapes(collection, command.get("filter"), sort_keys(command.get("sort")), bounded=limited)
    if name == "count":
        return _shapes(collection, command.get("query"), bounded=not command.get("query"))
    if name == "aggregate":
        return _pipeline_shapes(collection, command.get("pipeline", []))
    if name == "distinct":
        if not command.get("query"):
            # Without a query MongoDB reads one entry per value from an index starting with the key:
            # as a range over the whole key.
            return [Shape(collection, (), (str(command.get("key")),), ())]
        return _shapes(collection, command.get("query"))
    if name == "findAndModify":
        return _shapes(collection, command.get("query"), sort_keys(command.get("sort")))
    if name == "update":
        return [s for u in command.get("updates", []) for s in _shapes(collection, u.get("q"))]
    if name == "delete":
        return [s for d in command.get("deletes", []) for s in _shapes(collection, d.get("q"))]
    return []
