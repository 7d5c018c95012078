"""Photos as phones really send them: re-encoded upright, capped in size, with no metadata left anywhere."""

import io
import struct
import zlib

import httpx
import pytest
from PIL import ExifTags, Image

from tests.fixtures.events import new_id, plan
from tests.fixtures.users import User

GPS_TEXT = b"GPS-31.5656N-74.3081E-home-of-ayesha"


def _jpeg(size: tuple[int, int] = (64, 32), **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG", quality=90, **save)
    return buffer.getvalue()


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def _after_soi(jpeg: bytes, segment: bytes) -> bytes:
    return jpeg[:2] + segment + jpeg[2:]


def camera_jpeg() -> bytes:
    """A landscape-stored portrait (orientation 6) with a GPS IFD and a description holding GPS text."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.ImageDescription] = GPS_TEXT.decode()
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (31.0, 33.0, 56.0),
        ExifTags.GPS.GPSMapDatum: GPS_TEXT.decode(),
    }
    return _jpeg((64, 32), exif=exif.tobytes())


def png_with_private_chunk() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 120, 0)).save(buffer, format="PNG")
    png = buffer.getvalue()
    iend = png.rindex(b"IEND") - 4
    chunk = (
        struct.pack(">I", len(GPS_TEXT))
        + b"gpSd"
        + GPS_TEXT
        + struct.pack(">I", zlib.crc32(b"gpSd" + GPS_TEXT))
    )
    return png[:iend] + chunk + png[iend:]


def jpeg_with_app4() -> bytes:
    return _after_soi(_jpeg(), _segment(0xE4, b"SAMSUNG\x00" + GPS_TEXT))


def jpeg_with_exif_after_scan() -> bytes:
    jpeg = _jpeg()
    exif = _segment(0xE1, b"Exif\x00\x00MM\x00*\x00\x00\x00\x08" + GPS_TEXT)
    return jpeg[:-2] + exif + jpeg[-2:]


def multi_picture_jpeg() -> bytes:
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (40, 30), "blue"), Image.new("RGB", (20, 15), "yellow")
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def jpeg_with_trailer() -> bytes:
    return _jpeg() + b"MotionPhoto_Data" + GPS_TEXT * 10


def png_bomb() -> bytes:
    """A tiny PNG declaring 30000 x 30000 pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 30_000, 30_000, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" + bytes(30_000 // 8), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


async def _upload(client: httpx.AsyncClient, officer: User, data: bytes, content_type: str) -> httpx.Response:
    event_id = new_id()
    assert (
        await client.put(f"/v1/events/{event_id}", json=plan(), headers=officer.headers)
    ).status_code == 201
    photo_id = new_id()
    headers = officer.headers | {"Content-Type": content_type}
    stored = await client.put(f"/v1/events/{event_id}/photos/{photo_id}", content=data, headers=headers)
    if stored.status_code != 201:
        return stored
    return await client.get(f"/v1/events/{event_id}/photos/{photo_id}", headers=officer.headers)


def _assert_clean(data: bytes) -> None:
    assert GPS_TEXT not in data
    assert b"GPS" not in data
    assert b"Exif" not in data


async def test_camera_photo_is_turned_upright_and_loses_exif_and_gps(
    client: httpx.AsyncClient, officer: User
) -> None:
    original = camera_jpeg()
    assert GPS_TEXT in original
    assert b"Exif" in original
    stored = await _upload(client, officer, original, "image/jpeg")
    assert stored.status_code == 200, stored.text
    _assert_clean(stored.content)
    image = Image.open(io.BytesIO(stored.content))
    assert image.format == "JPEG"
    assert image.size == (32, 64)  # stored 64 x 32 with orientation 6: a portrait
    assert not image.getexif()


@pytest.mark.parametrize(
    ("build", "content_type"),
    [
        (png_with_private_chunk, "image/png"),
        (jpeg_with_app4, "image/jpeg"),
        (jpeg_with_exif_after_scan, "image/jpeg"),
        (multi_picture_jpeg, "image/jpeg"),
        (jpeg_with_trailer, "image/jpeg"),
    ],
)
async def test_metadata_hidden_anywhere_is_gone_and_phone_formats_are_accepted(
    client: httpx.AsyncClient, officer: User, build: object, content_type: str
) -> None:
    original = build()  # type: ignore[operator]
    stored = await _upload(client, officer, original, content_type)
    assert stored.status_code == 200, stored.text
    assert stored.headers["content-type"] == content_type
    _assert_clean(stored.content)
    assert b"MPF" not in stored.content
    Image.open(io.BytesIO(stored.content)).load()  # a whole, decodable image


async def test_decompression_bomb_is_refused(client: httpx.AsyncClient, officer: User) -> None:
    response = await _upload(client, officer, png_bomb(), "image/png")
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "payload_too_large"


async def test_large_photo_is_capped_at_2048_pixels_on_the_long_side(
    client: httpx.AsyncClient, officer: User
) -> None:
    stored = await _upload(client, officer, _jpeg((4000, 3000)), "image/jpeg")
    assert stored.status_code == 200, stored.text
    assert Image.open(io.BytesIO(stored.content)).size == (2048, 1536)
