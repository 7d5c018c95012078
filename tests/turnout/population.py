"""Random young people's records for the property test: stored as the API stores them and counted by the
functions the API's writes call, so that reads, attacks and a rebuild all see what production would.

Five places in two provinces (two National Assembly seats share Jhelum), four months of 2026. Sign-ups
(some erased later, their check-ins re-keyed as erasure leaves them), check-ins at held events, officers'
reports with gender and age parts, and alert opens (counted only: a rebuild leaves those alone).
"""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from backend.core.clock import PAKISTAN
from backend.events.models import Attendance, Event
from backend.turnout import counting, reach
from backend.turnout.models import AppliedChange, ReachClaim, TurnoutCounter
from backend.youth.models import Tombstone, YouthProfile


@dataclass(frozen=True)
class Place:
    seat: str
    provincial: str
    district: str
    province: str

    def fields(self) -> dict[str, str]:
        return {
            "constituency": self.seat,
            "provincial_constituency": self.provincial,
            "district": self.district,
            "province": self.province,
        }


PLACES = (
    Place("NA-60", "PP-24", "jhelum", "PK-PB"),
    Place("NA-61", "PP-25", "jhelum", "PK-PB"),
    Place("NA-117", "PP-145", "lahore", "PK-PB"),
    Place("NA-2", "PK-3", "swat", "PK-KP"),
    Place("NA-43", "PK-108", "tank", "PK-KP"),
)
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04")
GENDERS = ("female", "male", "transgender", "prefer_not_to_say")
AGES = ("under_15", "age_15_19", "age_20_24", "age_25_29", "age_30_plus")
COLLECTIONS = (Event, YouthProfile, Tombstone, Attendance, TurnoutCounter, ReachClaim, AppliedChange)


@dataclass(frozen=True)
class Person:
    place: int
    gender: str
    birth_year: int
    month: int
    day: int
    erased_in: int | None  # months after signing up


@dataclass(frozen=True)
class Report:
    place: int
    month: int
    day: int
    by_gender: tuple[int, ...]
    by_age: tuple[int, ...]


@dataclass(frozen=True)
class Population:
    people: tuple[Person, ...]
    reports: tuple[Report, ...]
    checkins: tuple[tuple[int, int], ...]  # (person, report) pairs: check-ins at that report's event
    opens: tuple[int, ...]  # people who opened an alert


_person_st = st.tuples(
    st.sampled_from(GENDERS),
    st.integers(1997, 2010),
    st.integers(1, 28),
    st.one_of(st.none(), st.none(), st.integers(0, 2)),
)
# Small parts on purpose: where hiding and adjusting have work to do.
_report_st = st.tuples(
    st.integers(1, 28),
    st.tuples(*[st.integers(0, 6)] * len(GENDERS)),
    st.tuples(*[st.integers(0, 6)] * len(AGES)),
)


def _spread(number: int) -> tuple[int, int]:
    """The place and month of the n-th person or report: every place in every month, in turn, so that
    however the examples shrink, each place and month keeps a few records (small counts everywhere)."""
    return number % len(PLACES), number // len(PLACES) % len(MONTHS)


@st.composite
def populations(draw: st.DrawFn, *, people: int = 45, reports: int = 10) -> Population:
    """A population of at least `people` young people and `reports` reports, with check-ins and opens."""
    drawn_people = []
    for number, (gender, birth_year, day, erased_in) in enumerate(
        draw(st.lists(_person_st, min_size=people, max_size=people + 15))
    ):
        place, month = _spread(number)
        drawn_people.append(Person(place, gender, birth_year, month, day, erased_in))
    drawn_reports = []
    for number, (day, by_gender, by_age) in enumerate(
        draw(st.lists(_report_st, min_size=reports, max_size=reports + 4))
    ):
        place, month = _spread(number)
        drawn_reports.append(Report(place, month, day, by_gender, by_age))
    pairs = st.tuples(st.integers(0, len(drawn_people) - 1), st.integers(0, len(drawn_reports) - 1))
    checkins = draw(st.lists(pairs, min_size=len(drawn_people), max_size=2 * len(drawn_people), unique=True))
    opens = draw(st.lists(st.integers(0, len(drawn_people) - 1), max_size=len(drawn_people), unique=True))
    return Population(tuple(drawn_people), tuple(drawn_reports), tuple(checkins), tuple(opens))


def random_population(rng: random.Random, *, people: int = 80, reports: int = 16) -> Population:
    """A population drawn from `rng` as `populations` draws one, larger: for the statistical test."""
    drawn_people = []
    for number in range(people):
        place, month = _spread(number)
        erased_in = rng.choice([None, None, 0, 1, 2])
        gender = rng.choice(GENDERS)
        drawn_people.append(
            Person(place, gender, rng.randint(1997, 2010), month, rng.randint(1, 28), erased_in)
        )
    drawn_reports = []
    for number in range(reports):
        place, month = _spread(number)
        by_gender = tuple(rng.randint(0, 6) for _ in GENDERS)
        drawn_reports.append(
            Report(place, month, rng.randint(1, 28), by_gender, tuple(rng.randint(0, 6) for _ in AGES))
        )
    pairs = {(rng.randrange(people), rng.randrange(reports)) for _ in range(2 * people)}
    opens = sorted({rng.randrange(people) for _ in range(people // 2)})
    return Population(tuple(drawn_people), tuple(drawn_reports), tuple(sorted(pairs)), tuple(opens))


def _at(month: int, day: int, minute: int = 0) -> datetime:
    year, number = MONTHS[month].split("-")
    return datetime(int(year), int(number), day, 11, tzinfo=PAKISTAN) + timedelta(minutes=minute)


def _shift(month: int, by: int) -> int:
    return min(month + by, len(MONTHS) - 1)


async def empty() -> None:
    """Forget the previous example's records and counters (the test's database stays otherwise)."""
    for document in COLLECTIONS:
        await document.get_pymongo_collection().delete_many({})


async def _report(number: int, report: Report) -> dict[str, Any]:
    place = PLACES[report.place]
    by_gender = dict(zip(GENDERS, report.by_gender, strict=True))
    by_age = dict(zip(AGES, report.by_age, strict=True))
    # The parts add up to one total, as an officer's must: the largest age band takes the difference.
    total = max(sum(by_gender.values()), sum(by_age.values()))
    by_gender["male"] += total - sum(by_gender.values())
    by_age["age_15_19"] += total - sum(by_age.values())
    event = {
        "_id": f"00000000-0000-4000-8000-{number:012d}",
        "review": "approved",
        "deleted_at": None,
        "status": "held",
        "kind": "youth_dialogue",
        "topics": ["legal_migration", "rights_abroad"][: 1 + number % 2],
        "starts_at": _at(report.month, report.day),
        "turnout": {"total": total, "by_gender": by_gender, "by_age": by_age} if total else None,
        "constituency": place.seat,
        "district": place.district,
        "province": place.province,
    }
    await Event.get_pymongo_collection().insert_one(event)
    await counting.apply_event_change(
        claim=f"{event['_id']}:2", remove=None, add=counting.event_contribution(event)
    )
    return event


async def _person(number: int, person: Person) -> str | None:
    """Sign one person up (and erase them, if they were); their tombstone's id, if any."""
    uid, place = f"person-{number:04d}", PLACES[person.place]
    signed_up = _at(person.month, person.day)
    counted = counting.snapshot(
        place.fields(), gender=person.gender, birth_year=person.birth_year, at=signed_up, record=uid
    )
    await counting.count_signup(counted=counted, record=uid)
    if person.erased_in is None:
        profile = {"_id": uid, **place.fields(), "gender": person.gender, "birth_year": person.birth_year}
        await YouthProfile.get_pymongo_collection().insert_one(
            profile | {"counted_as": counted, "tombstone_id": None, "created_at": signed_up}
        )
        return None
    tombstone = uuid.uuid4().hex
    erased_at = _at(_shift(person.month, person.erased_in), 28, 30)
    await counting.count_erasure(places=counting.places_of(counted), at=erased_at, record=tombstone)
    await Tombstone.get_pymongo_collection().insert_one(
        {"_id": tombstone, "erased_at": erased_at, **place.fields(), "counted_as": counted}
    )
    return tombstone


async def _checkin(person: Person, uid: str, event: dict[str, Any], tombstone: str | None) -> None:
    at = event["starts_at"] + timedelta(minutes=20)
    record = f"{event['_id']}:{uid}"
    counted = counting.snapshot(
        event, gender=person.gender, birth_year=person.birth_year, at=at, record=record
    )
    await reach.count_checkin(person=uid, counted=counted, record=record)
    # An erased person's check-ins as erasure leaves them: re-keyed, the snapshot (and key) kept.
    stored_uid, stored_id = (
        (uid, record) if tombstone is None else (f"erased:{tombstone}", f"{event['_id']}:{tombstone}")
    )
    await Attendance.get_pymongo_collection().insert_one(
        {
            "_id": stored_id,
            "event_id": event["_id"],
            "uid": stored_uid,
            "district": PLACES[person.place].district,
            "checked_in_at": at,
            "counted": True,
            "counted_as": counted,
        }
    )


async def store(population: Population) -> None:
    """Store and count every record of `population`: each person's check-ins in time order, as the API
    meets them."""
    events = [await _report(number, report) for number, report in enumerate(population.reports)]
    tombstones = [await _person(number, person) for number, person in enumerate(population.people)]
    uids = [f"person-{number:04d}" for number in range(len(population.people))]
    for person_number, report_number in sorted(
        population.checkins, key=lambda pair: (events[pair[1]]["starts_at"], pair[1], pair[0])
    ):
        person, tombstone = population.people[person_number], tombstones[person_number]
        await _checkin(person, uids[person_number], events[report_number], tombstone)
    for uid, tombstone in zip(uids, tombstones, strict=True):
        if tombstone is not None:
            await reach.rekey_reach(person=uid, anonymous=f"erased:{tombstone}")
    for number in population.opens:
        person = population.people[number]
        await counting.count_alert_open(
            places=counting.places_of(PLACES[person.place].fields()),
            at=_at(person.month, min(person.day + 1, 28)),
            record=f"campaign-{number % 3}:{uids[number]}",
        )
