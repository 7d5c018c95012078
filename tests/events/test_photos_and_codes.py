"""Photos (GridFS, type from the bytes, metadata removed, limits) and signed check-in codes."""

from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from backend.events.checkin_codes import CheckinCodeError
from tests.fixtures.events import GPS_MARKER, jpeg_with_exif, new_id, plan, png_with_metadata
from tests.fixtures.users import User


async def _event(client: httpx.AsyncClient, officer: User, **overrides: object) -> str:
    event_id = new_id()
    await client.put(f"/v1/events/{event_id}", json=plan(**overrides), headers=officer.headers)
    return event_id


async def test_photo_is_stored_without_metadata_and_retries_are_no_ops(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = await _event(client, officer)
    photo_id = new_id()
    for data, content_type in ((jpeg_with_exif(), "image/jpeg"), (png_with_metadata(), "image/png")):
        photo_id = new_id()
        headers = officer.headers | {"Content-Type": content_type}
        created = await client.put(f"/v1/events/{event_id}/photos/{photo_id}", content=data, headers=headers)
        assert created.status_code == 201, created.text
        assert created.json()["content_type"] == content_type
        replay = await client.put(f"/v1/events/{event_id}/photos/{photo_id}", content=data, headers=headers)
        assert replay.status_code == 200
        stored = await client.get(f"/v1/events/{event_id}/photos/{photo_id}", headers=officer.headers)
        assert stored.headers["content-type"] == content_type
        assert GPS_MARKER not in stored.content
        assert stored.content[:4] == data[:4]
    listing = await client.get(f"/v1/events/{event_id}/photos", headers=officer.headers)
    assert len(listing.json()) == 2


async def test_fake_and_mislabelled_images_are_refused(client: httpx.AsyncClient, officer: User) -> None:
    event_id = await _event(client, officer)
    cases = [
        (b"GIF89a" + bytes(100), "image/jpeg"),  # a GIF claiming to be JPEG
        (b"<svg onload=alert(1)>", "image/png"),
        (jpeg_with_exif()[:-40], "image/jpeg"),  # truncated
        (png_with_metadata(), "image/jpeg"),  # real PNG, wrong label
        (jpeg_with_exif(), "application/pdf"),
    ]
    for data, content_type in cases:
        response = await client.put(
            f"/v1/events/{event_id}/photos/{new_id()}",
            content=data,
            headers=officer.headers | {"Content-Type": content_type},
        )
        assert response.status_code == 415, (content_type, response.text)
        assert response.json()["code"] == "unsupported_media_type"


async def test_oversize_photo_is_refused(client: httpx.AsyncClient, officer: User) -> None:
    event_id = await _event(client, officer)
    big = jpeg_with_exif(padding=5 * 1024 * 1024)
    response = await client.put(
        f"/v1/events/{event_id}/photos/{new_id()}",
        content=big,
        headers=officer.headers | {"Content-Type": "image/jpeg"},
    )
    assert response.status_code == 413


async def test_at_most_ten_photos_per_event_and_delete_frees_a_place(
    client: httpx.AsyncClient, officer: User
) -> None:
    event_id = await _event(client, officer)
    headers = officer.headers | {"Content-Type": "image/png"}
    ids = [new_id() for _ in range(11)]
    statuses = []
    for photo_id in ids:
        response = await client.put(
            f"/v1/events/{event_id}/photos/{photo_id}", content=png_with_metadata(), headers=headers
        )
        statuses.append(response.status_code)
    assert statuses == [201] * 10 + [409]
    assert (
        await client.delete(f"/v1/events/{event_id}/photos/{ids[0]}", headers=officer.headers)
    ).status_code == 204
    again = await client.put(
        f"/v1/events/{event_id}/photos/{ids[10]}", content=png_with_metadata(), headers=headers
    )
    assert again.status_code == 201


async def test_checkin_code_is_signed_and_bound_to_the_event_window(
    app: FastAPI, client: httpx.AsyncClient, officer: User
) -> None:
    event_id = await _event(client, officer)
    code = (await client.get(f"/v1/events/{event_id}/checkin-code", headers=officer.headers)).json()
    signer = app.state.checkin_signer
    valid_from = datetime.fromisoformat(code["valid_from"])
    valid_until = datetime.fromisoformat(code["valid_until"])
    assert str(signer.verify(code["payload"], now=valid_from + timedelta(minutes=5))) == event_id
    for payload, now, rule in [
        (code["payload"], valid_from - timedelta(minutes=1), "not_yet_valid"),
        (code["payload"], valid_until + timedelta(minutes=1), "expired"),
        (code["payload"][:-2] + "xx", valid_from, "signature"),
        (code["payload"].replace(event_id.replace("-", "")[:8], "00000000"), valid_from, "signature"),
        ("hello", valid_from, "format"),
    ]:
        with pytest.raises(CheckinCodeError) as refused:
            signer.verify(payload, now=now)
        assert refused.value.errors is not None
        assert refused.value.errors[0].rule == rule


async def test_cancelled_event_has_no_checkin_code(client: httpx.AsyncClient, officer: User) -> None:
    event_id = await _event(client, officer)
    await client.put(
        f"/v1/events/{event_id}/report",
        json={"outcome": "cancelled", "cancel_reason": "Security alert"},
        headers=officer.headers,
    )
    response = await client.get(f"/v1/events/{event_id}/checkin-code", headers=officer.headers)
    assert (response.status_code, response.json()["code"]) == (409, "event_cancelled")
