"""Keeping the turnout counters on every write: events and youth call these; they call nothing back.

Each counted write has a claim that exactly one request wins, and only the winner moves the counters,
with one `$inc` upsert per area document of the month (each seat the record counts in: a young person's
National and Provincial Assembly seats, an event's one seat; the district, province and country). The
same update adds the record's key (keys.py) to the key sum kept beside each count (`k`, as `c`), so a
read of any months and areas still fetches one document per area and month:
- an event's counted contribution changes with a version of the event: the change carries the old and
  the new contribution (`turnout` in its consequences, core/versioning.py) and `apply_event_change`
  claims `<event id>:<version>` (`AppliedChange`) before adding the difference;
- a check-in: the attendance record's unique insert (events/counters.store_and_count), then the person's
  `ReachClaim` tells which "active this month" and "reached ever" keys this check-in is the first to add
  (reach.py);
- a sign-up: the profile's unique insert; an erasure: the tombstone's unique insert.
A process dying between a claim and its `$inc`s loses those counts, never doubles one: `rebuild.py`
recounts from the records (the snapshots stored on them) and corrects the drift.
"""

import random
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, NotRequired, TypedDict

from pymongo import UpdateOne
from pymongo.errors import DuplicateKeyError

from backend.core import claims
from backend.core.clock import age_reached, month_of
from backend.turnout.keys import event_record, record_key
from backend.turnout.models import NATIONAL_CODE, AppliedChange, TurnoutCounter


class Places(TypedDict):
    constituency: str
    # A young person's Provincial Assembly seat beside `constituency` (their National Assembly seat).
    provincial_constituency: NotRequired[str | None]
    district: str
    province: str


class Contribution(TypedDict):
    """What one approved event report adds to the counters (stored with the event's change, as BSON)."""

    month: str
    places: Places
    counts: dict[str, Any]  # nested like the counter's `c` (keys hold no ".")
    keys: NotRequired[dict[str, Any]]  # the record key of each count of young people, nested likewise


class Snapshot(TypedDict):
    """How a check-in or a sign-up was counted, stored on its record (`counted_as`) for the rebuild."""

    month: str
    constituency: str
    provincial_constituency: NotRequired[str | None]
    district: str
    province: str
    gender: str | None
    age_band: str | None
    key: NotRequired[int]  # the record's key (keys.py); absent on records counted before keys existed


def age_band(birth_year: int, *, at: datetime) -> str:
    """The youth age band at `at` of one born in `birth_year` (the age reached that year in Pakistan)."""
    age = age_reached(birth_year, at=at)
    if age < 15:
        return "under_15"
    if age >= 30:
        return "age_30_plus"
    low = 15 + (age - 15) // 5 * 5
    return f"age_{low}_{low + 4}"


def places_of(fields: Mapping[str, Any]) -> Places:
    """The places named by a record's fields (an event, a profile, a snapshot, an inbox entry)."""
    places = Places(
        constituency=fields["constituency"], district=fields["district"], province=fields["province"]
    )
    if provincial := fields.get("provincial_constituency"):
        places["provincial_constituency"] = provincial
    return places


def snapshot(
    fields: Mapping[str, Any], *, gender: str | None, birth_year: int | None, at: datetime, record: str
) -> Snapshot:
    """The snapshot of a check-in or sign-up `record` (its id, for its key) at `at`, at `fields`' places."""
    counted = Snapshot(
        month=month_of(at),
        constituency=fields["constituency"],
        district=fields["district"],
        province=fields["province"],
        gender=gender,
        age_band=None if birth_year is None else age_band(birth_year, at=at),
        key=record_key(record),
    )
    if provincial := fields.get("provincial_constituency"):
        counted["provincial_constituency"] = provincial
    return counted


def snapshot_key(counted: Mapping[str, Any], record: str) -> int:
    """The key a snapshot was counted with; for one stored before keys existed, `record`'s."""
    key = counted.get("key")
    return record_key(record) if key is None else int(key)


def counter_id(area: str, code: str, month: str) -> str:
    return f"{area}:{code}:{month}"


# The counters that every counted write of a month in a whole province, or in the country, moves are
# split into slots, so that those writes do not all queue on one document (docs/SCALING.md measures it):
# each write goes to one slot at random, and a read sums the counter's documents (counts and key sums
# both add, so what is published is unchanged). Seats and districts stay single documents.
SLOTS = {"national": 16, "province": 4}


def stored_ids(document_id: str) -> list[str]:
    """The documents that together hold a counter: its own `_id` (what was written before slots, and
    what loads of data write) and each slot of a split one."""
    return [document_id, *(_slot_id(document_id, slot) for slot in range(_slots_of(document_id)))]


def counter_of(stored_id: str) -> str:
    """The counter a stored document (a slot or not) is part of."""
    return stored_id.split("#", 1)[0]


def _slots_of(document_id: str) -> int:
    return SLOTS.get(document_id.split(":", 1)[0], 0)


def _slot_id(document_id: str, slot: int) -> str:
    return f"{document_id}#s{slot:02d}"


def _written_id(document_id: str) -> str:
    slots = _slots_of(document_id)
    # Spreading writes, not a secret: any slot is right.
    return _slot_id(document_id, random.randrange(slots)) if slots else document_id  # noqa: S311


def areas(places: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """The (area, code) pairs a record counts in: its seats (one or two), district, province, country."""
    yield "constituency", places["constituency"]
    provincial = places.get("provincial_constituency")
    if provincial and provincial != places["constituency"]:
        yield "constituency", provincial
    yield "district", places["district"]
    yield "province", places["province"]
    yield "national", NATIONAL_CODE


def tallied(counts: Mapping[str, int], key: int, sign: int = 1) -> dict[str, int]:
    """Counter paths for one record's `counts`: each count and its key sum (`sign` -1 takes it off)."""
    inc: dict[str, int] = {}
    for path, n in counts.items():
        inc[f"c.{path}"] = sign * n
        inc[f"k.{path}"] = sign * key
    return inc


def flatten(counts: Mapping[str, Any], prefix: str = "") -> dict[str, int]:
    """Nested counts as dotted paths: {"a": {"b": 3}} becomes {"a.b": 3}."""
    flat: dict[str, int] = {}
    for key, value in counts.items():
        if isinstance(value, Mapping):
            flat |= flatten(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = int(value)
    return flat


def event_contribution(event: Mapping[str, Any]) -> Contribution | None:
    """What an event adds to the counters: only an approved, not deleted report counts.

    Its headcount is one record (counted in the total and under each topic) and each part of a split
    another, so the parts of one report carry independent keys; a correction keeps them.
    """
    if event.get("review") != "approved" or event.get("deleted_at") is not None:
        return None
    status = event.get("status")
    if status not in ("held", "cancelled"):
        return None
    counts: dict[str, Any] = {f"events_{status}": 1}
    topics = list(event.get("topics") or [])
    counts["events_kind"] = {event["kind"]: 1}
    counts["events_topic"] = dict.fromkeys(topics, 1)
    keys: dict[str, Any] = {}
    turnout = event.get("turnout") if status == "held" else None
    if turnout and turnout.get("total"):
        event_id = str(event["_id"] if "_id" in event else event["id"])
        total = int(turnout["total"])
        counts["headcount"] = total
        counts["headcount_topic"] = dict.fromkeys(topics, total)
        keys["headcount"] = record_key(event_record(event_id, "headcount"))
        keys["headcount_topic"] = dict.fromkeys(topics, keys["headcount"])
        for part, name in (("by_gender", "headcount_gender"), ("by_age", "headcount_age")):
            split = {key: int(n) for key, n in (turnout.get(part) or {}).items() if n}
            if split:
                counts[name] = split
                keys[name] = {key: record_key(event_record(event_id, name, key)) for key in split}
    return Contribution(month=month_of(event["starts_at"]), places=places_of(event), counts=counts, keys=keys)


def stamp() -> dict[str, str]:
    """A new version for a counter document, set in the same write as every change to it: readers keep the
    figures made from documents by their versions (service.py), so a write by any process is seen at once.
    Random, so that no two states of any database share one."""
    return {"v": uuid.uuid4().hex}


async def add_deltas(deltas: Mapping[str, Mapping[str, int]]) -> None:
    """`$inc` each counter document (by `_id`) by its non-zero deltas: one unordered bulk write, so a
    record's five or six documents cost one round trip (claims.bulk_upsert sends a lost create again)."""
    updates = []
    for document_id, inc in deltas.items():
        nonzero = {path: n for path, n in inc.items() if n}
        if nonzero:
            area, rest = document_id.split(":", 1)
            code, month = rest.rsplit(":", 1)
            update = {
                "$inc": nonzero,
                "$set": stamp(),
                "$setOnInsert": {"area": area, "code": code, "month": month},
            }
            updates.append(UpdateOne({"_id": _written_id(document_id)}, update, upsert=True))
    await claims.bulk_upsert(TurnoutCounter.get_pymongo_collection(), updates)


async def _add_everywhere(places: Mapping[str, Any], month: str, inc: Mapping[str, int]) -> None:
    await add_deltas({counter_id(area, code, month): inc for area, code in areas(places)})


def contribution_deltas(contribution: Contribution, sign: int = 1) -> dict[str, dict[str, int]]:
    """A contribution as per-document deltas (`sign` -1 to take it off, with the keys it added)."""
    inc = {f"c.{path}": sign * n for path, n in flatten(contribution["counts"]).items()}
    # A change stored before keys existed has none: its key sums are the rebuild's to set right.
    inc |= {f"k.{path}": sign * key for path, key in flatten(contribution.get("keys") or {}).items()}
    return {
        counter_id(area, code, contribution["month"]): dict(inc)
        for area, code in areas(contribution["places"])
    }


async def apply_event_change(*, claim: str, remove: Contribution | None, add: Contribution | None) -> bool:
    """Take `remove` off and add `add` once per `claim` ("<event id>:<version>"); True if this call did.

    The claim's insert comes first, so a replayed or twice-finished change adds nothing the second time.
    """
    try:
        await AppliedChange.get_pymongo_collection().insert_one({"_id": claim})
    except DuplicateKeyError:
        return False
    deltas: dict[str, dict[str, int]] = {}
    for contribution, sign in ((remove, -1), (add, 1)):
        if contribution is not None:
            for document_id, inc in contribution_deltas(contribution, sign).items():
                merged = deltas.setdefault(document_id, {})
                for path, n in inc.items():
                    merged[path] = merged.get(path, 0) + n
    await add_deltas(deltas)
    return True


def signup_counts(counted: Mapping[str, Any]) -> dict[str, int]:
    inc = {"signups": 1}
    for split, value in (("signups_gender", counted.get("gender")), ("signups_age", counted.get("age_band"))):
        if value:
            inc[f"{split}.{value}"] = 1
    return inc


async def count_signup(*, counted: Snapshot, record: str) -> None:
    """Count a sign-up whose profile `record` this request inserted (the claim), as its snapshot says."""
    key = snapshot_key(counted, record)
    await _add_everywhere(counted, counted["month"], tallied(signup_counts(counted), key))


async def count_erasure(*, places: Places, at: datetime, record: str) -> None:
    """Count an erasure whose tombstone `record` this request inserted (the claim), at the month of `at`."""
    await _add_everywhere(places, month_of(at), tallied({"erasures": 1}, record_key(record)))


async def count_alert_open(*, places: Places, at: datetime, record: str) -> None:
    """Count one person an alert reached (`alert_reach`), at their places and the month of `at`.

    The caller calls it once per inbox entry (`record`), after winning its claim on the open, as
    check-ins and sign-ups do.
    """
    await _add_everywhere(places, month_of(at), tallied({"alert_reach": 1}, record_key(record)))
