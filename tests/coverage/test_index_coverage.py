"""Every query the service sends is served by an index MongoDB will have (the embedded engine scans anyway).

The final test reads what tests/fixtures/query_recorder.py recorded over the whole run
(tests/fixtures/index_coverage.py moves it to the end of the run, and under pytest-xdist runs it on the
controller over every worker's recording); the others check the rule it applies.
"""

from typing import Any

import pytest

from backend.registry import DOCUMENT_MODELS
from tests.fixtures.index_coverage import check_recorded
from tests.fixtures.query_recorder import RECORDER, declared_indexes
from tests.fixtures.query_shapes import IndexKeys, Shape, command_shapes, filter_branches, shape_served


def test_every_query_the_code_sent_is_served_by_a_declared_index() -> None:
    check_recorded(RECORDER)


# The rule itself.

A = (("a", 1),)
AB = (("a", 1), ("b", 1))
AB_DESC = (("a", 1), ("b", -1))


def shape(query: dict[str, Any], sort: dict[str, int] | None = None, name: str = "find") -> Shape:
    command: dict[str, Any] = {name: "c", "filter": query}
    if sort:
        command["sort"] = sort
    (only,) = command_shapes(name, command)
    return only


@pytest.mark.parametrize(
    ("query", "sort", "index", "expected"),
    [
        ({"a": 1}, None, A, True),
        ({"a": 1, "x": 2}, None, A, True),  # equality on the prefix narrows enough
        ({"x": 2}, None, A, False),
        ({"b": 1}, None, AB, False),  # the index's first key unused
        ({"a": {"$gt": 1}}, None, AB, True),
        ({"a": {"$in": [1]}, "b": {"$lt": 3}}, None, AB, True),
        ({"a": 1}, {"b": 1}, AB, True),
        ({"a": 1}, {"b": -1}, AB, True),
        ({"a": 1}, {"b": -1}, AB_DESC, True),
        ({"a": {"$gt": 1}}, {"b": 1}, AB, False),  # a range before the sort key: an in-memory sort
        ({"a": {"$in": [1, 2]}}, {"b": 1}, AB, True),  # scanned value by value, merged in order
        ({"a": {"$in": list(range(201))}}, {"b": 1}, AB, False),  # too many scans to merge: a range
        ({"a": {"$in": [1, 2]}, "x": {"$gt": 1}}, None, AB, True),
        ({}, {"a": -1, "b": -1}, AB, True),
        ({}, {"a": 1, "b": -1}, AB, False),  # mixed directions must match the index or its reverse
        ({}, {"a": -1, "b": 1}, AB_DESC, True),
        ({"x": 1}, {"a": 1}, AB, True),  # walks the index in order, filters x
        ({"a": 1, "b": 2}, {"b": 1}, A, True),  # sort on an equality-bound field is no sort
        ({"a": 1}, {"c": 1}, AB, False),
        ({}, None, A, False),
    ],
)
def test_equality_sort_range(
    query: dict[str, Any], sort: dict[str, int] | None, index: IndexKeys, expected: bool
) -> None:
    assert shape_served(shape(query, sort), [index]) is expected


def test_operators_count_as_equality_or_range() -> None:
    (branch,) = filter_branches(
        {
            "e": 1,
            "n": None,
            "one": {"$in": ["x"]},
            "many": {"$in": ["x", "y"]},
            "huge": {"$in": list(range(300))},
            "sub": {"k": 1},
            "d.path": {"$eq": 3},
            "g": {"$gte": 1, "$lt": 2},
            "ne": {"$ne": None},
            "ex": {"$exists": False},
            "rx": {"$regex": "^a"},
            "both": {"$eq": 1, "$exists": True},
            "$expr": {"$gt": ["$a", "$b"]},
        }
    )
    assert branch == {
        "e": "eq", "n": "eq", "one": "eq", "many": "in", "huge": "range", "sub": "eq", "d.path": "eq",
        "g": "range", "ne": "range", "ex": "range", "rx": "range", "both": "eq",
    }  # fmt: skip


def test_elem_match_and_and_or() -> None:
    assert filter_branches({"arr": {"$elemMatch": {"k": 1, "v": {"$gt": 2}}}}) == [
        {"arr.k": "eq", "arr.v": "range"}
    ]
    assert filter_branches({"arr": {"$elemMatch": {"$gte": 1, "$lt": 5}}}) == [{"arr": "range"}]
    assert filter_branches({"$and": [{"a": {"$gt": 1}}, {"a": 2}]}) == [{"a": "eq"}]
    assert filter_branches({"s": 1, "$or": [{"a": 1}, {"b": {"$lt": 2}}]}) == [
        {"s": "eq", "a": "eq"},
        {"s": "eq", "b": "range"},
    ]


def test_each_or_branch_must_be_served() -> None:
    shapes = command_shapes("find", {"find": "c", "filter": {"$or": [{"a": 1}, {"x": 1}]}})
    assert [shape_served(s, [A]) for s in shapes] == [True, False]


def test_id_equality_limited_reads_and_the_commands_read() -> None:
    assert shape_served(shape({"_id": "x", "other": {"$gt": 1}}), [])
    assert shape_served(shape({"_id": {"$in": ["x", "y"]}}), [(("_id", 1),)])
    assert shape_served(command_shapes("find", {"find": "c", "filter": {}, "limit": 1})[0], [])
    assert not shape_served(
        command_shapes("find", {"find": "c", "filter": {}, "sort": {"a": 1}, "limit": 1})[0], []
    )
    updates = command_shapes(
        "update", {"update": "c", "updates": [{"q": {"a": 1}, "u": {}}, {"q": {"b": 1}, "u": {}}]}
    )
    assert [s.equality for s in updates] == [("a",), ("b",)]
    (deleted,) = command_shapes("delete", {"delete": "c", "deletes": [{"q": {}, "limit": 0}]})
    assert not shape_served(deleted, [A])
    (counted,) = command_shapes(
        "aggregate",
        {"aggregate": "c", "pipeline": [{"$match": {"a": 1}}, {"$sort": {"b": 1}}, {"$group": {"_id": 1}}]},
    )
    assert (counted.equality, counted.sort) == (("a",), (("b", 1),))
    grouped, looked_up = command_shapes(
        "aggregate",
        {
            "aggregate": "c",
            "pipeline": [
                {"$group": {"_id": "$a"}},
                {"$lookup": {"from": "d", "localField": "a", "foreignField": "k", "as": "x"}},
            ],
        },
    )
    assert not shape_served(grouped, [A])  # no $match first: a full scan
    assert (looked_up.collection, looked_up.equality) == ("d", ("k",))
    (distinct,) = command_shapes("distinct", {"distinct": "c", "key": "a", "query": {}})
    assert shape_served(distinct, [A])
    assert command_shapes("insert", {"insert": "c", "documents": []}) == []


def test_declared_indexes_include_id_and_every_settings_index() -> None:
    indexes = declared_indexes(DOCUMENT_MODELS)
    for model in DOCUMENT_MODELS:
        name = model.Settings.name
        assert indexes[name][0] == (("_id", 1),)
        assert len(indexes[name]) == 1 + len(getattr(model.Settings, "indexes", None) or [])
