"""Who a campaign reaches: the profile filter of an audience, its recipients streamed in `_id` order, and
the exact preview counts. Audience codes are canonical here (the campaign service checked them)."""

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from backend.alerts.devices.models import Device
from backend.core.clock import pakistan_time, utc_now
from backend.youth.models import YouthProfile
from schemas.alerts import AudiencePreview

# Statuses that may receive alerts at all: blocked (a disabled account) and erased people never do.
_RECEIVING = ["active", "stopped"]
# Age bands as (youngest, oldest) age reached this year in Pakistan; None is open-ended.
_AGE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "under_15": (None, 14),
    "age_15_19": (15, 19),
    "age_20_24": (20, 24),
    "age_25_29": (25, 29),
    "age_30_plus": (30, None),
}
_FALLBACKS = ("ur", "en")
_PROFILE_FIELDS = {
    "languages": 1,
    "district": 1,
    "constituency": 1,
    "provincial_constituency": 1,
    "province": 1,
    "quiet_start": 1,
    "quiet_end": 1,
    "alerts_stopped": 1,
}


class Phone(NamedTuple):
    """A registered phone: its id and FCM token, and the alert topic FCM confirmed it in, since when."""

    device_id: str
    token: str
    topic: str | None = None
    topic_since: datetime | None = None


@dataclass(frozen=True)
class Recipient:
    """A person a campaign reaches, in the language chosen for them, with their phones."""

    uid: str
    language: str
    places: dict[str, str]
    quiet_start: str
    quiet_end: str
    stopped: bool
    devices: tuple[Phone, ...]


def choose_language(preferred: Sequence[str], available: Iterable[str]) -> str:
    """The person's first preferred language the campaign has, else Urdu, else English."""
    offered = set(available)
    for language in (*preferred, *_FALLBACKS):
        if language in offered:
            return language
    # The contract requires Urdu or English; this keeps a malformed stored campaign deliverable.
    return "en"


def _birth_years(band: str, *, year: int) -> dict[str, int]:
    youngest, oldest = _AGE_BANDS[band]
    bounds: dict[str, int] = {}
    if youngest is not None:
        bounds["$lte"] = year - youngest
    if oldest is not None:
        bounds["$gte"] = year - oldest
    return bounds


def profile_filter(audience: Mapping[str, Any], *, priority: str) -> dict[str, Any]:
    """The `youth_profiles` filter of a campaign's audience: `audience_filter`, and people who stopped
    alerts only for an emergency."""
    query = audience_filter(audience)
    if priority != "emergency":
        query["alerts_stopped"] = {"$ne": True}
    return query


def audience_filter(audience: Mapping[str, Any]) -> dict[str, Any]:
    """The `youth_profiles` filter of an audience (of a campaign or a poll): its places and narrowing
    lists, people whose account may receive anything (not blocked, not erased)."""
    query: dict[str, Any] = {"status": {"$in": _RECEIVING}}
    alternatives: list[dict[str, Any]] = []
    if uids := audience.get("uids"):
        # A personal message (alerts/personal.py): exactly the people named.
        alternatives.append({"_id": {"$in": list(uids)}})
    elif not audience.get("national"):
        places = [
            {field: {"$in": list(audience.get(key) or [])}}
            for key, field in (
                ("provinces", "province"),
                ("districts", "district"),
                ("constituencies", "constituency"),
                # A seat of either assembly: a person has one of each (an MPA's seat is the second).
                ("constituencies", "provincial_constituency"),
            )
            if audience.get(key)
        ]
        # An audience that names no place reaches no one, never everyone.
        alternatives.append({"$or": places} if places else {"_id": {"$in": []}})
    for key, field in (("languages", "languages"), ("genders", "gender"), ("interests", "interests")):
        if values := audience.get(key):
            query[field] = {"$in": list(values)}
    if bands := audience.get("age_bands"):
        year = pakistan_time(utc_now()).year
        ages = [{"birth_year": _birth_years(band, year=year)} for band in sorted(set(bands))]
        alternatives.append(ages[0] if len(ages) == 1 else {"$or": ages})
    for alternative in alternatives:
        if "$or" in alternative and "$or" not in query:
            query["$or"] = alternative["$or"]
        else:
            query.setdefault("$and", []).append(alternative)
    return query


async def _profile_chunks(
    query: Mapping[str, Any], *, fields: Mapping[str, int], after_uid: str | None, chunk: int
) -> AsyncIterator[list[dict[str, Any]]]:
    """Matching profiles in `_id` order, `chunk` at a time, from one cursor (memory stays flat)."""
    filter_ = dict(query)
    if after_uid is not None:
        filter_["_id"] = {"$gt": after_uid}
    cursor = YouthProfile.get_pymongo_collection().find(
        filter_, dict(fields), sort=[("_id", 1)], batch_size=chunk
    )
    try:
        batch: list[dict[str, Any]] = []
        async for profile in cursor:
            batch.append(profile)
            if len(batch) >= chunk:
                yield batch
                batch = []
        if batch:
            yield batch
    finally:
        await cursor.close()


async def _devices_of(uids: list[str]) -> dict[str, list[Phone]]:
    devices: dict[str, list[Phone]] = defaultdict(list)
    fields = {"uid": 1, "fcm_token": 1, "topic_subscribed": 1, "topic_since": 1}
    async for device in Device.get_pymongo_collection().find({"uid": {"$in": uids}}, fields):
        phone = Phone(
            device["_id"], device["fcm_token"], device.get("topic_subscribed"), device.get("topic_since")
        )
        devices[device["uid"]].append(phone)
    return devices


async def recipients(
    audience: Mapping[str, Any],
    *,
    priority: str,
    languages: Iterable[str],
    after_uid: str | None = None,
    chunk: int = 500,
) -> AsyncIterator[list[Recipient]]:
    """The people an audience reaches now, in `_id` order after `after_uid`, `chunk` at a time."""
    offered = tuple(languages)
    query = profile_filter(audience, priority=priority)
    async for profiles in _profile_chunks(query, fields=_PROFILE_FIELDS, after_uid=after_uid, chunk=chunk):
        devices = await _devices_of([profile["_id"] for profile in profiles])
        yield [
            Recipient(
                uid=profile["_id"],
                language=choose_language(profile.get("languages") or [], offered),
                places={
                    "constituency": profile["constituency"],
                    "district": profile["district"],
                    "province": profile["province"],
                }
                | (
                    {"provincial_constituency": profile["provincial_constituency"]}
                    if profile.get("provincial_constituency")
                    else {}
                ),
                quiet_start=profile.get("quiet_start") or "22:00",
                quiet_end=profile.get("quiet_end") or "07:00",
                stopped=bool(profile.get("alerts_stopped")),
                devices=tuple(sorted(devices.get(profile["_id"], ()))),
            )
            for profile in profiles
        ]


async def preview(audience: Mapping[str, Any], *, priority: str) -> AudiencePreview:
    """Exactly how many people and devices the audience reaches now."""
    people = devices = 0
    query = profile_filter(audience, priority=priority)
    async for profiles in _profile_chunks(query, fields={"_id": 1}, after_uid=None, chunk=1000):
        people += len(profiles)
        uids = [profile["_id"] for profile in profiles]
        devices += await Device.get_pymongo_collection().count_documents({"uid": {"$in": uids}})
    return AudiencePreview(people=people, devices=devices)
