"""Every aggregation stage, accumulator and expression the code uses or MONGO_SUBSET.md allows freely.

Used by the code today: `$match` + `$group` with `$sum` (events/service.py `counts_per_event`, the exact
pipeline below) and Beanie's `count()` (a `$match` + `$group` pipeline, via `count_documents`).
"""

from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from backend.core.database import MongoDocument

Collection = AsyncCollection[MongoDocument]

AT = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
PEOPLE: list[MongoDocument] = [
    {"_id": 1, "district": "d1", "age": 18, "tags": ["a", "b"], "at": AT},
    {"_id": 2, "district": "d1", "age": 22, "tags": ["b"], "at": AT.replace(day=2)},
    {"_id": 3, "district": "d2", "age": 25, "tags": [], "at": AT.replace(day=2)},
    {"_id": 4, "district": "d2", "age": 31, "at": AT.replace(day=3)},
    {"_id": 5, "district": "d3", "age": 40, "tags": ["a"], "at": AT.replace(day=3)},
]


@pytest.fixture
async def people(coll: Collection) -> Collection:
    await coll.insert_many([dict(p) for p in PEOPLE])
    return coll


async def run(coll: Collection, pipeline: list[dict[str, Any]]) -> list[MongoDocument]:
    cursor = await coll.aggregate(pipeline)
    return await cursor.to_list()


async def test_match_group_sum_as_counts_per_event(coll: Collection) -> None:
    await coll.insert_many([{"event_id": e} for e in ["e1", "e1", "e2", "e3", "e1"]])
    rows = await run(
        coll,
        [
            {"$match": {"event_id": {"$in": ["e1", "e2", "e9"]}}},
            {"$group": {"_id": "$event_id", "n": {"$sum": 1}}},
        ],
    )
    assert {row["_id"]: row["n"] for row in rows} == {"e1": 3, "e2": 1}


async def test_count_documents_with_a_filter_and_skip_limit(people: Collection) -> None:
    assert await people.count_documents({"district": "d1"}) == 2
    assert await people.count_documents({"age": {"$gte": 22}}, skip=1, limit=2) == 2
    assert await people.count_documents({"district": "none"}) == 0


async def test_group_accumulators(people: Collection) -> None:
    rows = await run(
        people,
        [
            {
                "$group": {
                    "_id": "$district",
                    "n": {"$sum": 1},
                    "age_sum": {"$sum": "$age"},
                    "age_avg": {"$avg": "$age"},
                    "youngest": {"$min": "$age"},
                    "oldest": {"$max": "$age"},
                    "ids": {"$push": "$_id"},
                    "days": {"$addToSet": {"$dateToString": {"format": "%Y-%m-%d", "date": "$at"}}},
                }
            },
            {"$sort": {"_id": 1}},
        ],
    )
    assert [
        (
            r["_id"],
            r["n"],
            r["age_sum"],
            r["age_avg"],
            r["youngest"],
            r["oldest"],
            sorted(r["ids"]),
            sorted(r["days"]),
        )
        for r in rows
    ] == [
        ("d1", 2, 40, 20.0, 18, 22, [1, 2], ["2026-12-01", "2026-12-02"]),
        ("d2", 2, 56, 28.0, 25, 31, [3, 4], ["2026-12-02", "2026-12-03"]),
        ("d3", 1, 40, 40.0, 40, 40, [5], ["2026-12-03"]),
    ]


async def test_group_by_null_over_everything(people: Collection) -> None:
    rows = await run(people, [{"$group": {"_id": None, "n": {"$sum": 1}, "total": {"$sum": "$age"}}}])
    assert rows == [{"_id": None, "n": 5, "total": 136}]
    assert (
        await run(people, [{"$match": {"district": "none"}}, {"$group": {"_id": None, "n": {"$sum": 1}}}])
        == []
    )


async def test_sort_skip_limit_count(people: Collection) -> None:
    rows = await run(people, [{"$sort": {"age": -1}}, {"$skip": 1}, {"$limit": 2}, {"$project": {"_id": 1}}])
    assert rows == [{"_id": 4}, {"_id": 3}]
    assert await run(people, [{"$match": {"age": {"$lt": 30}}}, {"$count": "n"}]) == [{"n": 3}]


async def test_project_and_add_fields_with_cond_and_date_to_string(people: Collection) -> None:
    rows = await run(
        people,
        [
            {"$match": {"_id": {"$in": [1, 4]}}},
            {"$addFields": {"adult_band": {"$cond": [{"$gte": ["$age", 25]}, "25+", "under 25"]}}},
            {
                "$project": {
                    "_id": 1,
                    "adult_band": 1,
                    "day": {"$dateToString": {"format": "%Y-%m-%d %H:%M", "date": "$at"}},
                    "older": {"$cond": {"if": {"$gt": ["$age", 30]}, "then": True, "else": False}},
                }
            },
            {"$sort": {"_id": 1}},
        ],
    )
    assert rows == [
        {"_id": 1, "adult_band": "under 25", "day": "2026-12-01 08:30", "older": False},
        {"_id": 4, "adult_band": "25+", "day": "2026-12-03 08:30", "older": True},
    ]


async def test_unwind_plain_and_preserving_empty(people: Collection) -> None:
    rows = await run(
        people, [{"$unwind": "$tags"}, {"$group": {"_id": "$tags", "n": {"$sum": 1}}}, {"$sort": {"_id": 1}}]
    )
    assert rows == [{"_id": "a", "n": 2}, {"_id": "b", "n": 2}]
    rows = await run(
        people,
        [
            {"$unwind": {"path": "$tags", "preserveNullAndEmptyArrays": True}},
            {"$project": {"tags": 1}},
            {"$sort": {"_id": 1, "tags": 1}},  # ties on _id: an explicit order
        ],
    )
    assert [(r["_id"], r.get("tags")) for r in rows] == [
        (1, "a"),
        (1, "b"),
        (2, "b"),
        (3, None),
        (4, None),
        (5, "a"),
    ]


async def test_lookup(people: Collection, engine_db: AsyncDatabase[MongoDocument]) -> None:
    districts = engine_db[f"{people.name}_districts"]
    await districts.insert_many([{"_id": "d1", "name": "One"}, {"_id": "d2", "name": "Two"}])
    try:
        rows = await run(
            people,
            [
                {"$match": {"_id": {"$in": [1, 3, 5]}}},
                {
                    "$lookup": {
                        "from": districts.name,
                        "localField": "district",
                        "foreignField": "_id",
                        "as": "d",
                    }
                },
                {"$project": {"names": "$d.name"}},
                {"$sort": {"_id": 1}},
            ],
        )
        assert rows == [{"_id": 1, "names": ["One"]}, {"_id": 3, "names": ["Two"]}, {"_id": 5, "names": []}]
    finally:
        await districts.drop()


async def test_facet(people: Collection) -> None:
    rows = await run(
        people,
        [
            {"$match": {"age": {"$gte": 20}}},
            {
                "$facet": {
                    "total": [{"$count": "n"}],
                    "page": [{"$sort": {"age": 1}}, {"$limit": 2}, {"$project": {"_id": 1}}],
                    "by_district": [
                        {"$group": {"_id": "$district", "n": {"$sum": 1}}},
                        {"$sort": {"_id": 1}},
                    ],
                }
            },
        ],
    )
    assert rows == [
        {
            "total": [{"n": 4}],
            "page": [{"_id": 2}, {"_id": 3}],
            "by_district": [{"_id": "d1", "n": 1}, {"_id": "d2", "n": 2}, {"_id": "d3", "n": 1}],
        }
    ]


async def test_bucket(people: Collection) -> None:
    rows = await run(
        people,
        [
            {
                "$bucket": {
                    "groupBy": "$age",
                    "boundaries": [15, 20, 25, 35],
                    "default": "35+",
                    "output": {"n": {"$sum": 1}, "ids": {"$push": "$_id"}},
                }
            }
        ],
    )
    assert [{**r, "ids": sorted(r["ids"])} for r in rows] == [
        {"_id": 15, "n": 1, "ids": [1]},
        {"_id": 20, "n": 1, "ids": [2]},
        {"_id": 25, "n": 2, "ids": [3, 4]},
        {"_id": "35+", "n": 1, "ids": [5]},
    ]


async def test_group_by_day_with_date_to_string(people: Collection) -> None:
    rows = await run(
        people,
        [
            {"$group": {"_id": {"$dateToString": {"format": "%Y-%m-%d", "date": "$at"}}, "n": {"$sum": 1}}},
            {"$sort": {"_id": -1}},
        ],
    )
    assert rows == [
        {"_id": "2026-12-03", "n": 2},
        {"_id": "2026-12-02", "n": 2},
        {"_id": "2026-12-01", "n": 1},
    ]
