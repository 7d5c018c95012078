"""Our launcher's file storage keeps every acknowledged write through a crash (SIGKILL) and a clean stop.

These always start their own embedded engine (they test scripts/engine/EmbeddedMongo.java and
scripts/engine.py), whatever MONGODB_URI names.
"""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from scripts.engine import EmbeddedEngine, free_port

DOCS = 1000


def _engine(tmp_path: Path) -> EmbeddedEngine:
    return EmbeddedEngine(
        port=free_port(),
        storage="file",
        data_path=tmp_path / "data" / "engine.mv.db",
        log_path=tmp_path / "engine.log",
        heap_mb=512,
    )


def _client(engine: EmbeddedEngine) -> MongoClient[dict[str, Any]]:
    return MongoClient(engine.uri, serverSelectionTimeoutMS=5000)


@pytest.fixture
def engines() -> Iterator[list[EmbeddedEngine]]:
    """Every engine a test starts, stopped at the end whatever happened."""
    started: list[EmbeddedEngine] = []
    yield started
    for engine in started:
        engine.kill()


@pytest.mark.timeout(180)
def test_every_acknowledged_insert_survives_sigkill(tmp_path: Path, engines: list[EmbeddedEngine]) -> None:
    first = _engine(tmp_path)
    engines.append(first)
    first.start()
    with _client(first) as client:
        coll = client["durability"]["docs"]
        for i in range(DOCS):
            coll.insert_one({"_id": i, "payload": f"document {i}"})
    first.kill()  # SIGKILL, right after the last acknowledgement: no shutdown hook runs

    second = _engine(tmp_path)
    engines.append(second)
    second.start()
    with _client(second) as client:
        coll = client["durability"]["docs"]
        ids = {doc["_id"] for doc in coll.find({}, {"_id": 1})}
        assert len(ids) == DOCS, f"{DOCS - len(ids)} acknowledged inserts lost"
        assert ids == set(range(DOCS))
        assert coll.find_one({"_id": DOCS - 1}) == {"_id": DOCS - 1, "payload": f"document {DOCS - 1}"}


@pytest.mark.timeout(120)
def test_sigterm_stops_the_engine_cleanly_keeping_data_and_writing_the_log(
    tmp_path: Path, engines: list[EmbeddedEngine]
) -> None:
    engine = _engine(tmp_path)
    engines.append(engine)
    engine.start()
    with _client(engine) as client:
        client["durability"]["docs"].insert_many([{"_id": i, "k": i} for i in range(10)])
        client["durability"]["docs"].create_index("k", unique=True)
    process = engine._process
    assert process is not None
    began = time.monotonic()
    engine.stop(timeout_s=10)  # SIGTERM; it kills only if the engine does not exit in time
    took = time.monotonic() - began
    assert process.returncode is not None
    assert took < 5, f"SIGTERM took {took:.1f}s"
    assert process.returncode in (0, 143), (
        f"exit status {process.returncode} (-9 would mean it had to be killed)"
    )
    log = engine.log_path.read_text()
    assert "listening on 127.0.0.1" in log
    assert "stopped cleanly" in log

    again = _engine(tmp_path)
    engines.append(again)
    again.start()
    with _client(again) as client:
        coll = client["durability"]["docs"]
        assert sorted(doc["_id"] for doc in coll.find({})) == list(range(10))
        assert "k_1" in coll.index_information()
    assert again.log_path == engine.log_path
    assert again.log_path.read_text().count("listening on 127.0.0.1") == 2  # the log is appended to
