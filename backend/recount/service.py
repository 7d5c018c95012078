"""Recount every turnout counter from the records, and correct drift with `$inc` deltas (never overwrite).

The records: events (their approved reports, `counting.event_contribution`), check-ins (each one's
`counted_as` snapshot; `active` and `reached` from each person's check-ins in time order), profiles and
tombstones (the sign-up snapshot; erasures at its places, in the month of erasure). Records stored before
the snapshots existed are counted from their current fields, as the API would have counted them then.
Key sums (`k`) are recounted with the counts, from the keys kept on the snapshots (or derived from the
record's id, keys.py), so a rebuild gives the same published figures. Alert opens are not recounted:
their inbox entries are deleted on erasure while the counts stay, so `alert_reach` is left as it is.

Safe while the API serves: a write in flight (record stored, counters not yet moved) shows as a difference
in one computation and not the next, so only a drift two consecutive computations agree on is corrected,
by adding the difference (a concurrent `$inc` is kept). Missing reach-claim keys are added the same way,
never removed.
"""

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from backend.core.clock import month_of
from backend.events.models import Attendance, Event
from backend.geography.models import District
from backend.turnout import counting, reach
from backend.turnout.keys import record_key, secret_matches
from backend.turnout.models import ReachClaim, TurnoutCounter
from backend.youth.models import Tombstone, YouthProfile

Progress = Callable[[str], None]
Counts = dict[str, dict[str, int]]  # counter `_id` -> dotted path -> count

PAGE = 1000
CLAIM_BATCH = 200
PROGRESS_EVERY = 10_000
EVENT_FIELDS = (
    "review",
    "deleted_at",
    "status",
    "turnout",
    "starts_at",
    "kind",
    "topics",
    "constituency",
    "district",
    "province",
)
PROFILE_FIELDS = (
    "gender",
    "birth_year",
    "constituency",
    "provincial_constituency",
    "district",
    "province",
    "created_at",
)
# Counts whose records do not all outlive an erasure: never "corrected" from what is left of them.
NOT_RECOUNTED = ("c.alert_reach", "k.alert_reach")


@dataclass
class Measurement:
    """One computation: the drift (recounted minus stored) and the reach-claim keys missing."""

    drift: Counts
    missing_keys: set[tuple[str, str]]
    checked: int


@dataclass
class Report:
    checked: int = 0
    drifted: int = 0
    corrected: int = 0
    transient: int = 0
    claims_missing: int = 0
    claims_repaired: int = 0
    corrections: list[tuple[str, str, int]] = field(default_factory=list)


def _quiet(_: str) -> None:
    return None


def _add(counts: Counts, deltas: Mapping[str, Mapping[str, int]]) -> None:
    for document_id, inc in deltas.items():
        target = counts.setdefault(document_id, {})
        for path, n in inc.items():
            target[path] = target.get(path, 0) + n


async def _pages(
    collection: AsyncCollection[Any], projection: dict[str, int], label: str, progress: Progress
) -> AsyncIterator[dict[str, Any]]:
    """Every document in `_id` order from one cursor, fetched a page at a time.

    One cursor, not a keyset range per page: the embedded engine serves `_id` ranges by a scan, so a
    query per page would read the collection once per page.
    """
    seen = 0
    async for document in collection.find({}, projection).sort("_id", 1).batch_size(PAGE):
        yield document
        seen += 1
        if seen % PROGRESS_EVERY == 0:
            progress(f"{label}: {seen} read")
    progress(f"{label}: {seen} read")


class _Recount:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.counts: Counts = {}
        self.missing: set[tuple[str, str]] = set()
        self.event_places: dict[str, counting.Places] = {}
        self.provinces: dict[str, str | None] = {}

    async def events(self) -> None:
        projection = dict.fromkeys(EVENT_FIELDS, 1)
        async for event in _pages(Event.get_pymongo_collection(), projection, "events", self.progress):
            self.event_places[event["_id"]] = counting.places_of(event)
            contribution = counting.event_contribution(event)
            if contribution is not None:
                _add(self.counts, counting.contribution_deltas(contribution))

    async def _province(self, district: str) -> str | None:
        if district not in self.provinces:
            found = await District.get_pymongo_collection().find_one({"_id": district}, {"province": 1})
            self.provinces[district] = found["province"] if found else None
        return self.provinces[district]

    def _signup(self, counted: Mapping[str, Any], record: str) -> None:
        inc = counting.tallied(counting.signup_counts(counted), counting.snapshot_key(counted, record))
        _add(self.counts, dict.fromkeys(_ids(counted), inc))

    async def people(self) -> None:
        """Sign-ups (profiles, and tombstones of erased people) and erasures."""
        erased: set[str] = set()
        collection = Tombstone.get_pymongo_collection()
        async for tombstone in _pages(collection, {}, "tombstones", self.progress):
            erased.add(tombstone["_id"])
            counted = tombstone.get("counted_as")
            if counted:
                # A snapshot from before keys: the API never keyed it, so any fixed record id will do.
                self._signup(counted, f"{tombstone['_id']}:signup")
                places: Mapping[str, Any] = counted
            else:  # a tombstone from before the snapshots: its own places (the sign-up is not known)
                province = tombstone.get("province") or await self._province(tombstone["district"])
                if province is None:
                    self.progress(f"tombstone {tombstone['_id']}: unknown district, erasure not counted")
                    continue
                places = {**tombstone, "province": province}
            month = month_of(tombstone["erased_at"])
            erasure = counting.tallied({"erasures": 1}, record_key(tombstone["_id"]))
            _add(self.counts, dict.fromkeys(_ids(places, month), erasure))
        projection = dict.fromkeys((*PROFILE_FIELDS, "counted_as", "tombstone_id"), 1)
        async for profile in _pages(
            YouthProfile.get_pymongo_collection(), projection, "profiles", self.progress
        ):
            if profile.get("tombstone_id") in erased:
                continue  # being erased: its tombstone counts the sign-up
            record = profile["_id"]
            self._signup(
                profile.get("counted_as") or _derived(profile, profile, profile["created_at"], record), record
            )

    async def checkins(self) -> None:
        """Check-ins person by person in time order: the first in an area (and month) is reached (active)."""
        cursor = (
            Attendance.get_pymongo_collection()
            .find({}, {"uid": 1, "event_id": 1, "checked_in_at": 1, "counted_as": 1})
            .sort([("uid", 1), ("checked_in_at", 1), ("_id", 1)])
        )
        expected: dict[str, set[str]] = {}
        person: str | None = None
        profile: dict[str, Any] | None = None
        seen = 0
        async for record in cursor:
            seen += 1
            if seen % PROGRESS_EVERY == 0:
                self.progress(f"check-ins: {seen} read")
            if record["uid"] != person:
                person, profile = record["uid"], None
                if len(expected) >= CLAIM_BATCH:
                    await self._compare_claims(expected)
                    expected = {}
            keys = expected.setdefault(record["uid"], set())
            counted = record.get("counted_as")
            if counted is None:  # from before the snapshots: the event's places, the person as now
                places = self.event_places.get(record["event_id"])
                if places is None:
                    self.progress(f"check-in {record['_id']}: unknown event, not counted")
                    continue
                if profile is None:
                    found = await YouthProfile.get_pymongo_collection().find_one(
                        {"_id": person}, {"gender": 1, "birth_year": 1}
                    )
                    profile = found or {}
                counted = _derived(places, profile, record["checked_in_at"], record["_id"])
            key = counting.snapshot_key(counted, record["_id"])
            deltas = {}
            for (area, code), (ever_key, month_key) in reach.reach_keys(counted).items():
                deltas[counting.counter_id(area, code, counted["month"])] = counting.tallied(
                    reach.checkin_counts(counted, active=month_key not in keys, reached=ever_key not in keys),
                    key,
                )
                keys.update((ever_key, month_key))
            _add(self.counts, deltas)
        await self._compare_claims(expected)
        self.progress(f"check-ins: {seen} read")

    async def _compare_claims(self, expected: dict[str, set[str]]) -> None:
        if not expected:
            return
        claims = await ReachClaim.get_pymongo_collection().find({"_id": {"$in": sorted(expected)}}).to_list()
        stored = {claim["_id"]: set(claim["seen"]) for claim in claims}
        for person, keys in expected.items():
            self.missing.update((person, key) for key in keys - stored.get(person, set()))


def _ids(places: Mapping[str, Any], month: str | None = None) -> list[str]:
    month = month or places["month"]
    return [counting.counter_id(area, code, month) for area, code in counting.areas(places)]


def _derived(places: Mapping[str, Any], person: Mapping[str, Any], at: Any, record: str) -> counting.Snapshot:
    return counting.snapshot(
        places, gender=person.get("gender"), birth_year=person.get("birth_year"), at=at, record=record
    )


async def _stored(progress: Progress) -> Counts:
    """Every counter's counts and key sums, as `c.<path>` and `k.<path>` (a split counter's slots summed)."""
    collection = TurnoutCounter.get_pymongo_collection()
    stored: Counts = {}
    async for document in _pages(collection, {"c": 1, "k": 1}, "counters", progress):
        _add(stored, {counting.counter_of(document["_id"]): _paths(document)})
    return stored


def _paths(document: Mapping[str, Any]) -> dict[str, int]:
    return counting.flatten({"c": document.get("c") or {}, "k": document.get("k") or {}})


async def measure(progress: Progress = _quiet) -> Measurement:
    """Recount everything and compare with the stored counters."""
    recount = _Recount(progress)
    await recount.events()
    await recount.people()
    await recount.checkins()
    stored = await _stored(progress)
    drift: Counts = {}
    for document_id in recount.counts.keys() | stored.keys():
        counted, kept = recount.counts.get(document_id, {}), stored.get(document_id, {})
        paths = (counted.keys() | kept.keys()) - set(NOT_RECOUNTED)
        difference = {p: counted.get(p, 0) - kept.get(p, 0) for p in paths}
        if nonzero := {p: n for p, n in difference.items() if n}:
            drift[document_id] = nonzero
    return Measurement(drift=drift, missing_keys=recount.missing, checked=len(recount.counts.keys() | stored))


class KeySecretMismatchError(RuntimeError):
    """This process's FIGURES_KEY_SECRET is not the one the records are keyed with."""


async def rebuild(*, dry_run: bool = False, progress: Progress = _quiet, new_secret: bool = False) -> Report:
    """Measure twice; correct the drift and add the missing reach keys both measurements agree on.

    With another secret than the records' the key sums of reports and erasures would all be "corrected",
    drawing every figure afresh: refused, unless `new_secret` says the change is meant.
    """
    matches = await secret_matches(replace=new_secret and not dry_run)
    if not matches and not new_secret:
        raise KeySecretMismatchError(
            "FIGURES_KEY_SECRET is not the secret the figures are keyed with: use the API's, or --new-secret"
        )
    progress("first count")
    first = await measure(progress)
    progress("second count")
    second = await measure(progress)
    agreed: Counts = {}
    for document_id, paths in second.drift.items():
        same = {p: n for p, n in paths.items() if first.drift.get(document_id, {}).get(p) == n}
        if same:
            agreed[document_id] = same
    report = Report(checked=second.checked, drifted=len(agreed))
    report.transient = len((first.drift.keys() | second.drift.keys()) - agreed.keys())
    report.corrections = sorted((d, p, n) for d, paths in agreed.items() for p, n in paths.items())
    missing: dict[str, list[str]] = {}
    for person, key in sorted(first.missing_keys & second.missing_keys):
        missing.setdefault(person, []).append(key)
    report.claims_missing = len(missing)
    if not dry_run:
        await counting.add_deltas(agreed)
        report.corrected = len(agreed)
        for person, keys in missing.items():
            await reach.claim_reach(person, keys)
        report.claims_repaired = len(missing)
    return report
