"""Check-ins in the turnout counters: `checkins`, and `active` and `reached` counting each person once.

A person's `ReachClaim` holds the keys they have been counted under: "<area>:<code>" (reached ever) and
"<area>:<code>:<YYYY-MM>" (active that month). One `$addToSet` returning the claim as it was before tells
which keys this check-in added first; the embedded engine's "before" is exact under concurrency (its
"after" may include a concurrent update), and so is MongoDB's. A first reach or first activity of the
month counts under the key of the check-in that made it (one record, one key, as the rebuild counts it).
"""

from collections.abc import Mapping
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend.turnout.counting import Snapshot, add_deltas, areas, counter_id, snapshot_key, tallied
from backend.turnout.models import ReachClaim


def reach_keys(counted: Mapping[str, Any]) -> dict[tuple[str, str], tuple[str, str]]:
    """Per (area, code): the "reached ever" key and the "active this month" key of a check-in snapshot."""
    return {
        (area, code): (f"{area}:{code}", f"{area}:{code}:{counted['month']}") for area, code in areas(counted)
    }


def checkin_counts(counted: Mapping[str, Any], *, active: bool, reached: bool) -> dict[str, int]:
    """One check-in's counts in one area: always `checkins`; `active` and `reached` when it is the first."""
    inc = {"checkins": 1}
    if active:
        inc["active"] = 1
    if reached:
        inc["reached"] = 1
        for split, value in (
            ("reached_gender", counted.get("gender")),
            ("reached_age", counted.get("age_band")),
        ):
            if value:
                inc[f"{split}.{value}"] = 1
    return inc


async def claim_reach(person: str, keys: list[str]) -> set[str]:
    """Add `keys` to the person's reach claim; the ones this call added first (absent before it)."""
    collection = ReachClaim.get_pymongo_collection()
    update = {"$addToSet": {"seen": {"$each": keys}}}
    try:
        before = await collection.find_one_and_update(
            {"_id": person}, update, upsert=True, return_document=ReturnDocument.BEFORE
        )
    except DuplicateKeyError:  # a concurrent first check-in created the claim: it now matches
        before = await collection.find_one_and_update(
            {"_id": person}, update, upsert=True, return_document=ReturnDocument.BEFORE
        )
    seen = set(before["seen"]) if before else set()
    return set(keys) - seen


async def count_checkin(*, person: str, counted: Snapshot, record: str) -> None:
    """Count a check-in whose record `record` this request inserted (the claim): checkins, active, reached."""
    keys = reach_keys(counted)
    new = await claim_reach(person, [key for pair in keys.values() for key in pair])
    key = snapshot_key(counted, record)
    await add_deltas(
        {
            counter_id(area, code, counted["month"]): tallied(
                checkin_counts(counted, active=month_key in new, reached=ever_key in new), key
            )
            for (area, code), (ever_key, month_key) in keys.items()
        }
    )


async def rekey_reach(*, person: str, anonymous: str) -> None:
    """Move a person's reach claim to their anonymous id on erasure (copy, then delete; safe to repeat)."""
    collection = ReachClaim.get_pymongo_collection()
    claim = await collection.find_one({"_id": person})
    if claim is None:
        return
    if claim["seen"]:
        await claim_reach(anonymous, list(claim["seen"]))
    await collection.delete_one({"_id": person})
