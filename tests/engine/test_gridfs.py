"""GridFS as events/photos.py uses it: a file under our own id, once; read back; listed; deleted.

A second upload under a taken id raises gridfs.errors.FileExists (PyMongo turns the duplicate key of
the chunks' or files' unique index into it): it is not a DuplicateKeyError. The stored file stays whole.
"""

import asyncio

import pytest
from gridfs import AsyncGridFSBucket
from gridfs.errors import FileExists, NoFile
from pymongo.asynchronous.database import AsyncDatabase

from backend.core.database import MongoDocument
from tests.fixtures.engine import REPEATS


async def test_a_file_stored_under_an_id_is_stored_once_read_back_and_deleted(
    engine_db: AsyncDatabase[MongoDocument],
) -> None:
    bucket = AsyncGridFSBucket(engine_db, bucket_name="contract_photos", chunk_size_bytes=1024)
    data = bytes(range(256)) * 20  # five chunks
    try:
        await bucket.upload_from_stream_with_id("p1", "p1", data, metadata={"event_id": "e1"})
        for other in (b"other", bytes(8000)):  # shorter and longer than the stored file
            with pytest.raises(FileExists):
                await bucket.upload_from_stream_with_id("p1", "p1", other, metadata={"event_id": "e2"})
        assert await engine_db["contract_photos.chunks"].count_documents({"files_id": "p1"}) == 5
        stream = await bucket.open_download_stream("p1")
        assert await stream.read() == data
        assert stream.metadata == {"event_id": "e1"}
        files = await bucket.find({"_id": {"$in": ["p1", "p2"]}, "metadata.event_id": "e1"}).to_list()
        assert [f._id for f in files] == ["p1"]
        await bucket.delete("p1")
        with pytest.raises(NoFile):
            await bucket.open_download_stream("p1")
        assert await engine_db["contract_photos.chunks"].count_documents({}) == 0
    finally:
        await engine_db.drop_collection("contract_photos.files")
        await engine_db.drop_collection("contract_photos.chunks")


async def test_concurrent_uploads_under_one_id_store_one_file(
    engine_db: AsyncDatabase[MongoDocument],
) -> None:
    bucket = AsyncGridFSBucket(engine_db, bucket_name="contract_race")
    try:
        for round_ in range(REPEATS):
            file_id = f"p{round_}"
            outcomes = await asyncio.gather(
                *(bucket.upload_from_stream_with_id(file_id, file_id, bytes([i]) * 10) for i in range(5)),
                return_exceptions=True,
            )
            failures = [o for o in outcomes if isinstance(o, BaseException)]
            assert len(failures) == 4, outcomes
            assert all(isinstance(o, FileExists) for o in failures), failures
            stream = await bucket.open_download_stream(file_id)
            assert (await stream.read()) in {bytes([i]) * 10 for i in range(5)}
            assert await engine_db["contract_race.files"].count_documents({"_id": file_id}) == 1
    finally:
        await engine_db.drop_collection("contract_race.files")
        await engine_db.drop_collection("contract_race.chunks")
