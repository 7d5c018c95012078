"""Who an audience reaches: the profile filter, language choice, streamed recipients and exact counts."""

from typing import Any

import pytest

from backend.alerts.audience import choose_language, preview, profile_filter, recipients
from backend.core.clock import utc_now
from backend.youth.models import YouthProfile
from tests.fixtures.alerts import person
from tests.fixtures.query_recorder import declared_indexes
from tests.fixtures.query_shapes import command_shapes, shape_served
from tests.fixtures.youth import pakistan_year

# Tests that only use the database (no geography): the app's lifespan empties it before each.
pytestmark = pytest.mark.usefixtures("app")

NATIONAL: dict[str, Any] = {"national": True}


async def counts(audience: dict[str, Any], priority: str = "normal") -> tuple[int, int]:
    found = await preview(audience, priority=priority)
    return found.people, found.devices


def test_language_is_the_first_preferred_the_campaign_has_else_urdu_else_english() -> None:
    assert choose_language(["ps", "ur"], ["en", "ur", "ps"]) == "ps"
    assert choose_language(["ps", "en"], ["ur", "en"]) == "en"
    assert choose_language(["skr"], ["ur", "en"]) == "ur"
    assert choose_language(["skr"], ["en"]) == "en"
    assert choose_language([], ["ur"]) == "ur"


def test_age_bands_become_birth_year_ranges_in_pakistan_time() -> None:
    year = pakistan_year()
    query = profile_filter({"national": True, "age_bands": ["under_15", "age_30_plus"]}, priority="normal")
    assert query["$or"] == [{"birth_year": {"$lte": year - 30}}, {"birth_year": {"$gte": year - 14}}]
    single = profile_filter({"national": True, "age_bands": ["age_20_24"]}, priority="normal")
    assert single["$and"] == [{"birth_year": {"$lte": year - 20, "$gte": year - 24}}]


def test_a_place_audience_is_streamed_by_its_place_indexes_not_a_whole_scan() -> None:
    audience = {"provinces": ["PK-KP"], "districts": ["lahore", "quetta"], "age_bands": ["age_15_19"]}
    resumed = profile_filter(audience, priority="normal") | {"_id": {"$gt": "u1"}}
    shapes = command_shapes("find", {"find": "youth_profiles", "filter": resumed, "sort": {"_id": 1}})
    # Not the `_id` index: in production that would read every profile to find one district's.
    by_place = [keys for keys in declared_indexes([YouthProfile])["youth_profiles"] if keys != (("_id", 1),)]
    assert len(shapes) == 2
    assert all(shape_served(shape, by_place) for shape in shapes)


async def test_places_are_the_union_of_provinces_districts_and_constituencies() -> None:
    await person(district="lahore", devices=2)
    await person(district="quetta")
    await person(district="peshawar", devices=0)
    assert await counts(NATIONAL) == (3, 3)
    assert await counts({"provinces": ["PK-BA"]}) == (1, 1)
    assert await counts({"districts": ["lahore"], "constituencies": ["NA-28"]}) == (2, 2)
    assert await counts({"provinces": ["PK-BA"], "districts": ["lahore"]}) == (2, 3)
    assert await counts({"constituencies": ["NA-117"]}) == (1, 2)
    assert await counts({}) == (0, 0)


async def test_languages_genders_interests_and_ages_narrow_the_places() -> None:
    year = pakistan_year()
    await person(languages=["ps", "ur"], gender="male", interests=["remittances"], birth_year=year - 16)
    await person(languages=["en"], gender="female", interests=["legal_migration"], birth_year=year - 22)
    await person(languages=["ur"], gender="transgender", interests=["remittances"], birth_year=year - 31)
    await person(district="quetta", languages=["ps"], gender="male", birth_year=year - 16)
    assert await counts({"districts": ["lahore"], "languages": ["ps"]}) == (1, 1)
    assert await counts({"national": True, "languages": ["ps"]}) == (2, 2)
    assert await counts({"districts": ["lahore"], "genders": ["male", "transgender"]}) == (2, 2)
    assert await counts({"districts": ["lahore"], "interests": ["remittances"]}) == (2, 2)
    assert await counts({"districts": ["lahore"], "age_bands": ["age_15_19"]}) == (1, 1)
    assert await counts({"districts": ["lahore"], "age_bands": ["age_20_24", "age_30_plus"]}) == (2, 2)
    assert await counts({"national": True, "age_bands": ["age_15_19"], "genders": ["male"]}) == (2, 2)
    assert await counts({"districts": ["lahore", "quetta"], "age_bands": ["under_15"]}) == (0, 0)


async def test_age_band_edges_follow_the_year_reached() -> None:
    year = pakistan_year()
    for age in (14, 15, 19, 20, 24, 25, 29, 30):
        await person(birth_year=year - age)
    expected = {"under_15": 1, "age_15_19": 2, "age_20_24": 2, "age_25_29": 2, "age_30_plus": 1}
    for band, people in expected.items():
        assert await counts({"national": True, "age_bands": [band]}) == (people, people), band


async def test_stopped_people_get_only_emergencies_and_erased_or_blocked_nothing() -> None:
    await person()
    await person(alerts_stopped=True, status="stopped")
    await person(status="erased", devices=0)
    await person(status="blocked")
    assert await counts(NATIONAL, "normal") == (1, 1)
    assert await counts(NATIONAL, "high") == (1, 1)
    assert await counts(NATIONAL, "emergency") == (2, 2)


async def test_recipients_stream_in_uid_order_with_their_devices_and_language() -> None:
    for number in range(7):
        await person(f"u{number}", languages=["ps", "en"] if number % 2 else ["ur"], devices=number % 3)
    await person("u9", alerts_stopped=True, status="stopped")
    streamed = recipients(NATIONAL, priority="normal", languages=["ur", "en"], chunk=3)
    chunks = [chunk async for chunk in streamed]
    assert [len(chunk) for chunk in chunks] == [3, 3, 1]
    people = [recipient for chunk in chunks for recipient in chunk]
    assert [p.uid for p in people] == [f"u{n}" for n in range(7)]
    assert [p.language for p in people] == ["ur", "en", "ur", "en", "ur", "en", "ur"]
    assert [len(p.devices) for p in people] == [0, 1, 2, 0, 1, 2, 0]
    first = people[1]
    assert first.places == {"constituency": "NA-117", "district": "lahore", "province": "PK-PB"}
    assert (first.quiet_start, first.quiet_end, first.stopped) == ("22:00", "07:00", False)
    assert all(phone.token.startswith("token-") for phone in people[2].devices)


async def test_recipients_resume_after_a_uid_and_include_stopped_people_for_emergencies() -> None:
    for number in range(5):
        await person(f"u{number}")
    await person("u5", alerts_stopped=True, status="stopped")
    resumed = [
        recipient.uid
        async for chunk in recipients(NATIONAL, priority="emergency", languages=["ur"], after_uid="u2")
        for recipient in chunk
    ]
    assert resumed == ["u3", "u4", "u5"]
    stopped = [
        recipient
        async for chunk in recipients(NATIONAL, priority="emergency", languages=["ur"], after_uid="u4")
        for recipient in chunk
    ]
    assert [(r.uid, r.stopped) for r in stopped] == [("u5", True)]


async def test_preview_counts_exactly_beyond_one_chunk() -> None:
    profiles = [
        YouthProfile(
            id=f"p{number:05d}",
            display_name="A",
            birth_year=pakistan_year() - 18,
            gender="male",
            district="quetta",
            constituency="NA-263",
            province="PK-BA",
            languages=["ur"],
            interests=[],
            consent={"version": "2026-11-v1"},
            created_at=utc_now(),
            updated_at=utc_now(),
        )
        for number in range(2_345)
    ]
    await YouthProfile.insert_many(profiles)
    await person(district="quetta", devices=3)
    assert await counts({"provinces": ["PK-BA"]}) == (2_346, 3)


async def test_a_seat_of_either_assembly_reaches_its_people_who_carry_both_seats() -> None:
    await person("mna-and-mpa", district="lahore", provincial_constituency="PP-150")
    await person("mna-only", district="lahore")
    await person("elsewhere", district="quetta", provincial_constituency="PB-38")
    assert await counts({"constituencies": ["PP-150"]}) == (1, 1)
    assert await counts({"constituencies": ["NA-117", "PB-38"]}) == (3, 3)
    reached = [
        recipient
        async for chunk in recipients({"constituencies": ["PP-150"]}, priority="normal", languages=["ur"])
        for recipient in chunk
    ]
    assert [r.places.get("provincial_constituency") for r in reached] == ["PP-150"]
