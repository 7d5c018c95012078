"""Event photos in GridFS: at most 10 per event, 5 MB each, re-encoded without metadata (images.py).

The event's `photo_ids` array is the list and the limit: a photo takes its place by one conditional
update of the event before its bytes are stored, so parallel uploads cannot pass ten and a replay of the
same photo id never takes a second place.
"""

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from gridfs import AsyncGridFSBucket
from gridfs.errors import FileExists, NoFile
from pymongo.errors import DuplicateKeyError

from backend.accounts.models import Account
from backend.core.clock import utc_now
from backend.core.errors import ConflictError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError
from backend.events import images
from backend.events.models import MAX_PHOTOS_PER_EVENT, Event
from backend.events.service import event_in_scope
from schemas.events import PhotoRead

MAX_PHOTO_BYTES = 5 * 1024 * 1024
ACCEPTED_TYPES = (images.JPEG, images.PNG)


def _bucket() -> AsyncGridFSBucket:
    return AsyncGridFSBucket(Event.get_pymongo_collection().database, bucket_name="event_photos")


async def read_limited(chunks: AsyncIterator[bytes], *, declared_length: int | None) -> bytes:
    """The request body, refused as soon as it passes the size limit (never buffered beyond it)."""
    if declared_length is not None and declared_length > MAX_PHOTO_BYTES:
        raise PayloadTooLargeError(f"A photo may be at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB.")
    received = bytearray()
    async for chunk in chunks:
        received += chunk
        if len(received) > MAX_PHOTO_BYTES:
            raise PayloadTooLargeError(f"A photo may be at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB.")
    return bytes(received)


def _photo_read(file: Any) -> PhotoRead:
    meta = file.metadata
    return PhotoRead(
        id=UUID(file._id),
        content_type=meta["content_type"],
        size=file.length,
        uploaded_by=meta["uploaded_by"],
        uploaded_at=meta["uploaded_at"],
    )


async def _find(event_id: UUID | str, photo_id: UUID) -> Any | None:
    files = await _bucket().find({"_id": str(photo_id), "metadata.event_id": str(event_id)}).to_list()
    return files[0] if files else None


async def add_photo(
    *, actor: Account, event_id: UUID, photo_id: UUID, declared_type: str | None, data: bytes
) -> tuple[PhotoRead, bool]:
    """Store a photo under the phone's photo id; returns it and whether it was new. Retries are no-ops."""
    event = await event_in_scope(account=actor, event_id=event_id)
    if declared_type not in ACCEPTED_TYPES:
        raise UnsupportedMediaTypeError("Send the photo as image/jpeg or image/png.")
    real_type = images.sniff(data)
    if real_type is None:
        raise UnsupportedMediaTypeError("The bytes are not a valid JPEG or PNG image.")
    if real_type != declared_type:
        raise UnsupportedMediaTypeError(f"The bytes are {real_type}, not {declared_type}.")
    try:
        # Decoding is CPU work: off the event loop.
        real_type, cleaned = await asyncio.to_thread(images.sanitise, data)
    except images.NotAnImageError as exc:
        raise UnsupportedMediaTypeError(f"The bytes are not a valid JPEG or PNG image: {exc}.") from exc
    except images.TooManyPixelsError as exc:
        raise PayloadTooLargeError("The image has more pixels than a photo (a decompression bomb).") from exc
    digest = hashlib.sha256(data).hexdigest()
    existing = await _find(event.id, photo_id)
    if existing is not None:
        return _same_photo(existing, digest), False
    took_place = await _take_place(event.id, str(photo_id))
    metadata = {
        "event_id": event.id,
        "content_type": real_type,
        "sha256": digest,
        "uploaded_by": actor.id,
        "uploaded_at": utc_now(),
    }
    try:
        await _bucket().upload_from_stream_with_id(str(photo_id), f"{photo_id}", cleaned, metadata=metadata)
    except (DuplicateKeyError, FileExists):  # GridFS reports a taken id either way
        # One read decides: with two (this event's, then any event's) a parallel replay finishing in
        # between looked like another event's photo, and its place was freed under it.
        holders = await _bucket().find({"_id": str(photo_id)}).to_list()
        if holders and (holders[0].metadata or {}).get("event_id") == event.id:  # a parallel replay stored it
            return _same_photo(holders[0], digest), False
        if holders:  # a photo of another event
            if took_place:
                await _free_place(event.id, str(photo_id))
            raise ConflictError("A different photo already has this id.", code="photo_id_taken") from None
        raise ConflictError(
            "Another request is storing this photo; retry shortly.", code="photo_upload_in_progress"
        ) from None
    except Exception:
        if took_place:
            await _free_place(event.id, str(photo_id))
        raise
    stored = await _find(event.id, photo_id)
    return _photo_read(stored), True


def _same_photo(stored: Any, digest: str) -> PhotoRead:
    if stored.metadata["sha256"] != digest:
        raise ConflictError("A different photo already has this id.", code="photo_id_taken")
    return _photo_read(stored)


async def _take_place(event_id: str, photo_id: str) -> bool:
    """Add the photo to the event's list unless it is there already (a replay); True if this call added it.

    Raises 409 when the event has its ten photos.
    """
    events = Event.get_pymongo_collection()
    last_place = f"photo_ids.{MAX_PHOTOS_PER_EVENT - 1}"
    added = await events.update_one(
        {"_id": event_id, last_place: {"$exists": False}, "photo_ids": {"$ne": photo_id}},
        {"$push": {"photo_ids": photo_id}},
    )
    if added.modified_count == 1:
        return True
    if await events.count_documents({"_id": event_id, "photo_ids": photo_id}, limit=1):
        return False
    raise ConflictError(f"An event can have at most {MAX_PHOTOS_PER_EVENT} photos.", code="too_many_photos")


async def _free_place(event_id: str, photo_id: str) -> None:
    await Event.get_pymongo_collection().update_one({"_id": event_id}, {"$pull": {"photo_ids": photo_id}})


async def list_photos(*, actor: Account, event_id: UUID) -> list[PhotoRead]:
    """The event's photos in upload order."""
    return await photos_of(await event_in_scope(account=actor, event_id=event_id))


async def photos_of(event: Event) -> list[PhotoRead]:
    """The photos of an event the caller may see (loaded already), in upload order."""
    if not event.photo_ids:
        return []
    files = await _bucket().find({"_id": {"$in": event.photo_ids}, "metadata.event_id": event.id}).to_list()
    by_id = {file._id: file for file in files}
    return [_photo_read(by_id[pid]) for pid in event.photo_ids if pid in by_id]


async def photo_bytes(*, actor: Account, event_id: UUID, photo_id: UUID) -> tuple[str, bytes]:
    await event_in_scope(account=actor, event_id=event_id)
    file = await _find(event_id, photo_id)
    if file is None:
        raise NotFoundError("No such photo.")
    stream = await _bucket().open_download_stream(str(photo_id))
    return file.metadata["content_type"], await stream.read()


async def delete_photo(*, actor: Account, event_id: UUID, photo_id: UUID) -> None:
    """Remove a photo and free its place; deleting one that is gone already is fine."""
    event = await event_in_scope(account=actor, event_id=event_id)
    await _free_place(event.id, str(photo_id))
    if await _find(event.id, photo_id) is not None:
        with contextlib.suppress(NoFile):
            await _bucket().delete(str(photo_id))
