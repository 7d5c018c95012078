"""Poll result counters: what one answer adds in each area it counts in, and moving it exactly once.

Only the writer that won an answer's claim (its insert, or the compare-and-set of a change) adds its
tally; a submission's tallies go together, one `$inc` upsert per area document. Paths, per question
and split (`all`, `g_<gender>`, `a_<age band>`): `n` counts the people who answered, `v.<value>` those
who chose the value (an option id, a rating "1" to "5"; short texts count in `n` only). Beside each
count, `k` sums the record keys of the answers it counts (turnout/keys.py), so results pass the same gate
as turnout.
"""

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from backend.core import counters
from backend.turnout import counting as turnout_counting
from backend.voice.polls.models import PollCounter


def counter_id(poll: str, area: str, code: str) -> str:
    return f"{poll}:{area}:{code}"


def values_of(kind: str, value: Any) -> list[str]:
    """The values an answer counts under: its option(s), its rating; none for a short text."""
    if value is None or kind == "short_text":
        return []
    if kind == "multiple_choice":
        return sorted(set(value))
    return [str(value)]


def splits_of(counted: Mapping[str, Any]) -> list[str]:
    """The splits one answer counts in: everyone, the person's gender and age band when known."""
    found = ["all"]
    if counted.get("gender"):
        found.append(f"g_{counted['gender']}")
    if counted.get("age_band"):
        found.append(f"a_{counted['age_band']}")
    return found


def increments(question: str, kind: str, value: Any, counted: Mapping[str, Any], sign: int) -> dict[str, int]:
    """The counter paths one answer adds to (`sign` -1 takes it off), with its key beside each count."""
    key = int(counted["key"])
    inc: dict[str, int] = {}
    for split in splits_of(counted):
        base = f"{question}.{split}"
        for path in (f"{base}.n", *(f"{base}.v.{item}" for item in values_of(kind, value))):
            inc[f"c.{path}"] = inc.get(f"c.{path}", 0) + sign
            inc[f"k.{path}"] = inc.get(f"k.{path}", 0) + sign * key
    return inc


def merged(*parts: Mapping[str, int]) -> dict[str, int]:
    """Increments added together, zeros dropped (a change's `n` cancels out)."""
    total: dict[str, int] = {}
    for part in parts:
        for path, n in part.items():
            total[path] = total.get(path, 0) + n
    return {path: n for path, n in total.items() if n}


Tally = tuple[Mapping[str, Any], dict[str, int]]  # an answer's snapshot, and what it adds where it counts


def first_answer(*, question: str, kind: str, value: Any, counted: Mapping[str, Any]) -> Tally:
    """What a first answer adds in every area of its snapshot."""
    return counted, increments(question, kind, value, counted, 1)


def changed_answer(*, question: str, kind: str, old: Any, new: Any, counted: Mapping[str, Any]) -> Tally:
    """A changed answer's counts moved from `old` to `new` (its snapshot and key stay)."""
    return counted, merged(
        increments(question, kind, old, counted, -1), increments(question, kind, new, counted, 1)
    )


async def apply(poll: str, tallies: Sequence[Tally]) -> None:
    """Add the tallies of one submission: one `$inc` upsert per area document, however many answers."""
    per_document: dict[tuple[str, str], dict[str, int]] = {}
    for counted, inc in tallies:
        for area, code in turnout_counting.areas(counted):
            per_document[(area, code)] = merged(per_document.get((area, code), {}), inc)
    collection = PollCounter.get_pymongo_collection()
    await asyncio.gather(
        *(
            counters.increment(
                collection,
                {"_id": counter_id(poll, area, code)},
                inc,
                set_on_insert={"poll": poll, "area": area, "code": code},
            )
            for (area, code), inc in per_document.items()
            if inc
        )
    )
