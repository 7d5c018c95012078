"""Event photos in GridFS (both engines support it): at most 10 per event, 5 MB each, metadata removed."""

import contextlib
import hashlib
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo.errors import DuplicateKeyError

from backend.accounts.models import Account
from backend.core.clock import utc_now
from backend.core.errors import ConflictError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError
from backend.events import images
from backend.events.models import Event, PhotoSlot
from backend.events.service import event_in_scope
from schemas.events import PhotoRead

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS_PER_EVENT = 10
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
    try:
        real_type, cleaned = images.strip_metadata(data)
    except images.NotAnImageError as exc:
        raise UnsupportedMediaTypeError(f"The bytes are not a valid JPEG or PNG image: {exc}.") from exc
    if real_type != declared_type:
        raise UnsupportedMediaTypeError(f"The bytes are {real_type}, not {declared_type}.")
    digest = hashlib.sha256(data).hexdigest()
    existing = await _find(event.id, photo_id)
    if existing is not None:
        if existing.metadata["sha256"] != digest:
            raise ConflictError("A different photo already has this id.", code="photo_id_taken")
        return _photo_read(existing), False
    slot = await _claim_slot(event.id, photo_id)
    metadata = {
        "event_id": str(event.id),
        "content_type": real_type,
        "sha256": digest,
        "uploaded_by": actor.id,
        "uploaded_at": utc_now(),
        "slot": slot,
    }
    try:
        await _bucket().upload_from_stream_with_id(str(photo_id), f"{photo_id}", cleaned, metadata=metadata)
    except Exception:
        await PhotoSlot.get_pymongo_collection().delete_one({"_id": f"{event.id}:{slot}"})
        raise
    stored = await _find(event.id, photo_id)
    return _photo_read(stored), True


async def _claim_slot(event_id: str, photo_id: UUID) -> int:
    """Take the first free of the event's ten photo places (unique ids keep the limit under races)."""
    for slot in range(MAX_PHOTOS_PER_EVENT):
        try:
            await PhotoSlot(id=f"{event_id}:{slot}", event_id=event_id, photo_id=str(photo_id)).insert()
        except DuplicateKeyError:
            continue
        return slot
    raise ConflictError(f"An event can have at most {MAX_PHOTOS_PER_EVENT} photos.", code="too_many_photos")


async def list_photos(*, actor: Account, event_id: UUID) -> list[PhotoRead]:
    await event_in_scope(account=actor, event_id=event_id)
    files = await _bucket().find({"metadata.event_id": str(event_id)}).sort("uploadDate", 1).to_list()
    return [_photo_read(f) for f in files]


async def photo_bytes(*, actor: Account, event_id: UUID, photo_id: UUID) -> tuple[str, bytes]:
    await event_in_scope(account=actor, event_id=event_id)
    file = await _find(event_id, photo_id)
    if file is None:
        raise NotFoundError("No such photo.")
    stream = await _bucket().open_download_stream(str(photo_id))
    return file.metadata["content_type"], await stream.read()


async def delete_photo(*, actor: Account, event_id: UUID, photo_id: UUID) -> None:
    """Remove a photo; deleting one that is gone already is fine."""
    await event_in_scope(account=actor, event_id=event_id)
    file = await _find(event_id, photo_id)
    if file is None:
        return
    with contextlib.suppress(NoFile):
        await _bucket().delete(str(photo_id))
    await PhotoSlot.get_pymongo_collection().delete_one({"_id": f"{event_id}:{file.metadata['slot']}"})
