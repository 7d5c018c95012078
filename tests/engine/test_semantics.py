"""Query and update semantics the code relies on: unique indexes, null matching, the update operators."""

from datetime import UTC, datetime

import pytest
from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from backend.core.database import MongoDocument

Collection = AsyncCollection[MongoDocument]


async def test_a_unique_index_refuses_a_duplicate_value(coll: Collection) -> None:
    await coll.create_index("email", unique=True)
    await coll.insert_one({"_id": 1, "email": "a@example.org"})
    with pytest.raises(DuplicateKeyError) as raised:
        await coll.insert_one({"_id": 2, "email": "a@example.org"})
    assert raised.value.code == 11000
    await coll.insert_one({"_id": 3, "email": "b@example.org"})
    with pytest.raises(DuplicateKeyError):  # an update that would make a duplicate is refused too
        await coll.update_one({"_id": 3}, {"$set": {"email": "a@example.org"}})
    assert await coll.count_documents({}) == 2


async def test_a_unique_index_refuses_a_second_document_lacking_the_field(coll: Collection) -> None:
    """Missing counts as null: MongoDB allows one such document per unique index, not two."""
    await coll.create_index("email", unique=True)
    await coll.insert_one({"_id": 1})
    with pytest.raises(DuplicateKeyError):
        await coll.insert_one({"_id": 2})
    with pytest.raises(DuplicateKeyError):
        await coll.insert_one({"_id": 3, "email": None})
    assert await coll.count_documents({}) == 1


async def test_a_compound_unique_index_refuses_only_the_same_combination(coll: Collection) -> None:
    await coll.create_index([("item_id", ASCENDING), ("version", ASCENDING)], unique=True)
    await coll.insert_many(
        [{"item_id": "a", "version": 1}, {"item_id": "a", "version": 2}, {"item_id": "b", "version": 1}]
    )
    with pytest.raises(DuplicateKeyError):
        await coll.insert_one({"item_id": "a", "version": 2})


async def test_duplicate_id_is_refused(coll: Collection) -> None:
    await coll.insert_one({"_id": "x"})
    with pytest.raises(DuplicateKeyError) as raised:
        await coll.insert_one({"_id": "x"})
    assert raised.value.code == 11000


async def test_equality_with_none_matches_missing_and_null_fields_only(coll: Collection) -> None:
    await coll.insert_many([{"_id": 1}, {"_id": 2, "f": None}, {"_id": 3, "f": 0}, {"_id": 4, "f": "x"}])
    ids = [d["_id"] async for d in coll.find({"f": None}).sort("_id", ASCENDING)]
    assert ids == [1, 2]
    ids = [d["_id"] async for d in coll.find({"f": {"$ne": None}}).sort("_id", ASCENDING)]
    assert ids == [3, 4]
    ids = [d["_id"] async for d in coll.find({"f": {"$exists": False}})]
    assert ids == [1]
    # A conditional update guarded by "not set yet" (as core/versioning does with pending_change).
    assert (await coll.update_one({"_id": 1, "f": None}, {"$set": {"f": 1}})).modified_count == 1
    assert (await coll.update_one({"_id": 1, "f": None}, {"$set": {"f": 2}})).matched_count == 0


async def test_query_operators_the_code_uses(coll: Collection) -> None:
    at = datetime(2026, 12, 1, 10, tzinfo=UTC)
    await coll.insert_many(
        [
            {"_id": i, "n": i, "tags": [f"t{i % 3}", "all"], "at": at.replace(hour=i), "sub": {"k": i % 2}}
            for i in range(1, 7)
        ]
    )

    async def ids(query: MongoDocument) -> list[int]:
        return [d["_id"] async for d in coll.find(query).sort("_id", ASCENDING)]

    assert await ids({"n": {"$in": [2, 4, 9]}}) == [2, 4]
    assert await ids({"n": {"$nin": [2, 4]}, "n2": None}) == [1, 3, 5, 6]
    assert await ids({"n": {"$gt": 2, "$lte": 4}}) == [3, 4]
    assert await ids({"at": {"$gte": at.replace(hour=5), "$lt": at.replace(hour=23)}}) == [5, 6]
    assert await ids({"tags": "t1"}) == [1, 4]  # equality on an array field matches an element
    assert await ids({"tags": {"$all": ["t2", "all"]}}) == [2, 5]
    assert await ids({"sub.k": 0}) == [2, 4, 6]
    assert await ids({"$or": [{"n": 1}, {"sub.k": 0, "n": {"$gt": 4}}]}) == [1, 6]
    assert await ids({"$and": [{"n": {"$gte": 2}}, {"n": {"$lt": 4}}]}) == [2, 3]
    found = await coll.find_one({"_id": 1})
    assert found is not None
    assert found["at"] == at.replace(hour=1)


async def test_sort_skip_limit_and_count(coll: Collection) -> None:
    await coll.insert_many([{"_id": i, "g": i % 2} for i in range(10)])
    page = [
        d["_id"] async for d in coll.find({}).sort([("g", DESCENDING), ("_id", ASCENDING)]).skip(2).limit(3)
    ]
    assert page == [5, 7, 9]
    assert await coll.count_documents({"g": 1}) == 5
    assert sorted(await coll.distinct("g")) == [0, 1]
    assert sorted(await coll.distinct("_id", {"g": 0})) == [0, 2, 4, 6, 8]


async def test_push_and_add_to_set_with_each_and_pull(coll: Collection) -> None:
    await coll.insert_one({"_id": 1, "roles": ["a"], "log": []})
    await coll.update_one({"_id": 1}, {"$addToSet": {"roles": "b"}})
    await coll.update_one({"_id": 1}, {"$addToSet": {"roles": "b"}})
    await coll.update_one({"_id": 1}, {"$addToSet": {"roles": {"$each": ["a", "c", "c"]}}})
    await coll.update_one({"_id": 1}, {"$push": {"log": {"$each": [1, 2, 2]}}})
    await coll.update_one({"_id": 1}, {"$push": {"log": 3}})
    await coll.update_one({"_id": 1}, {"$pull": {"roles": "a"}})
    await coll.update_one({"_id": 1}, {"$pull": {"log": {"$gte": 3}}})
    assert await coll.find_one({"_id": 1}) == {"_id": 1, "roles": ["b", "c"], "log": [1, 2, 2]}
    # $pull of an absent value, and on a missing field, change nothing and do not fail.
    result = await coll.update_one({"_id": 1}, {"$pull": {"roles": "zz", "missing": "x"}})
    assert result.matched_count == 1
    assert result.modified_count == 0


async def test_min_max_inc_and_set_on_insert(coll: Collection) -> None:
    first = datetime(2026, 12, 1, 9, tzinfo=UTC)
    later = datetime(2026, 12, 1, 18, tzinfo=UTC)
    for seen in (later, first):
        await coll.update_one(
            {"_id": "d"},
            {
                "$min": {"first_seen": seen},
                "$max": {"last_seen": seen},
                "$inc": {"visits": 1},
                "$setOnInsert": {"created": seen},
            },
            upsert=True,
        )
    assert await coll.find_one({"_id": "d"}) == {
        "_id": "d",
        "first_seen": first,
        "last_seen": later,
        "visits": 2,
        "created": later,  # $setOnInsert applied only when the upsert inserted
    }
    await coll.update_one({"_id": "d"}, {"$min": {"visits": 5}})
    await coll.update_one({"_id": "d"}, {"$max": {"visits": 1}})
    found = await coll.find_one({"_id": "d"})
    assert found is not None
    assert found["visits"] == 2
    await coll.update_one({"_id": "d"}, {"$min": {"visits": 1}})
    await coll.update_one({"_id": "d"}, {"$max": {"peak": 7}})  # on a missing field: sets it
    found = await coll.find_one({"_id": "d"})
    assert found is not None
    assert (found["visits"], found["peak"]) == (1, 7)


async def test_set_on_insert_and_set_with_upsert_on_a_conditional_key(coll: Collection) -> None:
    result = await coll.update_one({"_id": "k", "state": "new"}, {"$setOnInsert": {"n": 1}}, upsert=True)
    assert result.upserted_id == "k"
    assert await coll.find_one({"_id": "k"}) == {"_id": "k", "state": "new", "n": 1}
    with pytest.raises(DuplicateKeyError):  # the key exists in another state: no second document
        await coll.update_one({"_id": "k", "state": "other"}, {"$setOnInsert": {"n": 2}}, upsert=True)


async def test_unordered_bulk_upserts_replace_one_and_an_anchored_regex_delete(coll: Collection) -> None:
    """geography and recruiters imports (bulk upserts by code), rate_limit.clear (a prefix regex)."""
    updates = [UpdateOne({"_id": f"k:{i}"}, {"$set": {"n": i}}, upsert=True) for i in range(5)]
    result = await coll.bulk_write(updates, ordered=False)
    assert result.upserted_count == 5
    result = await coll.bulk_write(updates, ordered=False)
    assert (result.upserted_count, result.matched_count, result.modified_count) == (0, 5, 0)
    await coll.replace_one({"_id": "current"}, {"rows": 1}, upsert=True)
    await coll.replace_one({"_id": "current"}, {"rows": 2}, upsert=True)
    assert await coll.find_one({"_id": "current"}) == {"_id": "current", "rows": 2}
    await coll.insert_one({"_id": "kk:1"})
    deleted = await coll.delete_many({"_id": {"$regex": "^k:"}})
    assert deleted.deleted_count == 5
    assert [d["_id"] async for d in coll.find({}).sort("_id", ASCENDING)] == ["current", "kk:1"]
