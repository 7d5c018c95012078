"""Our launcher's patched matching (unique-index narrowing, set-based `$in`) answers as stock matching does.

Two engines on the same data: the launcher as the suite runs it, and the launcher with --stock-matching
(mongo-java-server's own MemoryBackend). Every query must give both the same documents, in the same
order when sorted, or the same error. These always start their own engines, whatever MONGODB_URI names.
"""

import random
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from pymongo import DESCENDING, MongoClient
from pymongo.collection import Collection
from pymongo.errors import OperationFailure, PyMongoError

from backend.core.database import MongoDocument
from scripts.engine import EmbeddedEngine, free_port
from tests.engine.matching_cases import PLAIN_INDEXES, UNIQUE_INDEXES, Query, documents, query

Client = MongoClient[MongoDocument]
SEED = 19
DOCS = 160
QUERIES_PER_KIND = 150
# Conditional writes as the code makes them: mostly a unique key plus a state, sometimes wider.
WRITE_STEPS = [("update", "unique"), ("update", "in"), ("update", "partial"), ("delete", "unique")] * 20


class Pair:
    """The same collection on the patched engine and on the stock one."""

    def __init__(self, clients: tuple[Client, Client], name: str) -> None:
        self.patched: Collection[MongoDocument] = clients[0]["matching"][name]
        self.stock: Collection[MongoDocument] = clients[1]["matching"][name]

    def fill(self, docs: list[MongoDocument]) -> None:
        """The same indexes and inserts on both; a document a unique index refuses is left out."""
        for coll in (self.patched, self.stock):
            for keys, sparse in UNIQUE_INDEXES:
                coll.create_index(keys, unique=True, sparse=sparse)
            for keys in PLAIN_INDEXES:
                coll.create_index(keys)
            for doc in docs:
                try:
                    coll.insert_one(dict(doc))
                except PyMongoError:
                    continue

    def contents(self) -> tuple[list[MongoDocument], list[MongoDocument]]:
        """Every document of each side, in stored order."""
        return list(self.patched.find().sort("$natural", 1)), list(self.stock.find().sort("$natural", 1))

    def answers(self, case: Query) -> tuple[object, object]:
        """What each engine answers to `case`: its documents (a multiset when unsorted) or its error."""
        return _answer(self.patched, case), _answer(self.stock, case)


def _answer(coll: Collection[MongoDocument], case: Query) -> object:
    cursor = coll.find(case.filter, case.projection, skip=case.skip, limit=case.limit)
    if case.sort:
        cursor = cursor.sort(case.sort)
    try:
        found = list(cursor)
    except OperationFailure as error:
        return ("error", error.code)
    # Without a sort the order is unspecified (the patch reads `$in` candidates in index order).
    return found if case.sort else sorted(found, key=repr)


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, Client]]:
    """Clients of the patched and the stock engine, both started side by side once for the module."""
    folder = tmp_path_factory.mktemp("matching")
    patched = EmbeddedEngine(port=free_port(), log_path=folder / "patched.log", heap_mb=256)
    stock = EmbeddedEngine(port=free_port(), log_path=folder / "stock.log", heap_mb=256, stock_matching=True)
    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(EmbeddedEngine.start, (patched, stock)))
        with (
            Client(patched.uri, serverSelectionTimeoutMS=5000) as patched_client,
            Client(stock.uri, serverSelectionTimeoutMS=5000) as stock_client,
        ):
            yield patched_client, stock_client
    finally:
        patched.stop()
        stock.stop()


def _seeded(clients: tuple[Client, Client], name: str) -> Pair:
    pair = Pair(clients, name)
    pair.fill(documents(random.Random(SEED), DOCS))  # noqa: S311  (a reproducible data set; nothing secret)
    return pair


@pytest.fixture(scope="module")
def seeded(clients: tuple[Client, Client]) -> Pair:
    """The seeded documents, indexed alike, on both engines (read only: the write test has its own)."""
    return _seeded(clients, "find")


def test_both_engines_accept_and_refuse_the_same_documents(seeded: Pair) -> None:
    patched, stock = seeded.contents()
    assert patched == stock
    assert DOCS // 2 < len(patched) < DOCS  # the unique indexes refused some, not most


# Documents and queries on which the first run of these tests found the patch diverging (fixed since).
EDGE_DOCS: list[MongoDocument] = [
    {"_id": 1, "k1": "a", "k2": 1, "code": ["h1", "h2"], "email": "e1", "tags": ["a", "b"], "x": 1},
    {"_id": 2, "k1": "a", "k2": 2, "code": "h3", "tags": [["a"]], "x": 1},
    {"_id": "d1", "k1": ["b", "c"], "k2": 1, "code": [["h4"]], "email": "e2", "tags": "a", "x": 2},
    {"_id": 3.5, "k1": "b", "k2": None, "code": [], "tags": [], "x": None},
    {"_id": {"a": 1}, "k1": "d", "email": "e3", "x": {"y": 1}, "code": ["h5", "h6"]},
    {"_id": 12, "k1": "e", "k2": 12, "code": "h7", "email": "e4", "x": 2},
]
EDGE_CASES = {
    "compound_key_given_an_array": Query({"k1": ["b", "c"], "k2": 1, "x": 2}),
    "compound_key_given_a_regex": Query({"k1": re.compile("^b"), "k2": 1, "x": 2}),
    "id_in_with_a_regex": Query({"_id": {"$in": [re.compile("^d")]}, "x": 2}),
    "id_regex_against_numbers": Query({"_id": re.compile("^1"), "x": {"$ne": 7}}),
    "multikey_key_given_an_empty_array": Query({"code": [], "x": None}),
    "multikey_key_in_an_empty_array": Query({"code": {"$in": [[]]}, "x": None}),
    "multikey_key_given_a_nested_array": Query({"code": ["h4"], "x": 2}),
    "multikey_key_in_a_nested_array": Query({"code": {"$in": [["h4"]]}, "x": 2}),
    "sparse_key_in_null": Query({"email": {"$in": [None, "e1"]}, "x": {"$ne": 7}}),
    "sparse_key_null": Query({"email": None, "x": {"$ne": 7}}),
    "string_in_nested_arrays": Query({"tags": {"$in": ["a", "zz"]}}),
    "string_in_nested_arrays_second_value": Query({"tags": {"$in": ["zz", "a"]}}),
    "natural_descending_narrowed_by_in": Query(
        {"_id": {"$in": [3.5, 1, 2, "d1"]}, "x": {"$ne": 7}}, [("$natural", DESCENDING)]
    ),
    "natural_descending_with_string_in": Query(
        {"k1": {"$in": ["a", "b", "c", "d"]}}, [("$natural", DESCENDING)], skip=1, limit=3
    ),
}


@pytest.fixture(scope="module")
def edges(clients: tuple[Client, Client]) -> Pair:
    """The edge documents, with the same unique indexes, on both engines."""
    pair = Pair(clients, "edges")
    pair.fill(EDGE_DOCS)
    assert pair.contents() == (EDGE_DOCS, EDGE_DOCS)
    return pair


@pytest.mark.parametrize("case", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_cases_once_answered_wrongly_match_as_stock(edges: Pair, case: Query) -> None:
    patched, stock = edges.answers(case)
    assert patched == stock


@pytest.mark.parametrize("kind", ["unique", "partial", "in"])
def test_generated_queries_match_as_stock(seeded: Pair, kind: str) -> None:
    """`unique`: narrowed by a unique index; `partial`: must not be narrowed; `in`: `$in` and `$nin`."""
    rng = random.Random(f"{SEED}:{kind}")  # noqa: S311  (reproducible queries; nothing secret)
    docs = list(seeded.stock.find())
    diverging = []
    for _ in range(QUERIES_PER_KIND):
        case = query(rng, docs, kind)
        patched, stock = seeded.answers(case)
        if patched != stock:
            diverging.append((case, patched, stock))
    assert not diverging, f"{len(diverging)} of {QUERIES_PER_KIND} diverge, first: {diverging[0]}"


def _write(coll: Collection[MongoDocument], action: str, where: MongoDocument) -> object:
    try:
        if action == "update":
            return coll.update_many(where, {"$inc": {"hits": 1}}).modified_count
        return coll.delete_many(where).deleted_count
    except OperationFailure as error:  # the engine's own limits (an empty array in a unique index)
        return ("error", error.code)


def test_updates_and_deletes_by_the_same_filters_change_the_same_documents(
    clients: tuple[Client, Client],
) -> None:
    writes = _seeded(clients, "writes")
    rng = random.Random(f"{SEED}:writes")  # noqa: S311  (reproducible filters; nothing secret)
    docs = list(writes.stock.find())
    changed = {"update": 0, "delete": 0}
    for action, kind in WRITE_STEPS:
        where = query(rng, docs, kind).filter
        patched, stock = _write(writes.patched, action, where), _write(writes.stock, action, where)
        assert patched == stock, (action, where)
        changed[action] += patched if isinstance(patched, int) else 0
    assert changed["update"] > len(WRITE_STEPS)
    assert changed["delete"] > 0
    patched_docs, stock_docs = writes.contents()
    assert patched_docs == stock_docs
