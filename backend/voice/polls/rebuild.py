"""Recount poll results from the answers and correct drift by adding the difference (never overwriting).

Each answer counts as its snapshot (`counted_as`: places, gender, age band, key) says, so a rebuild gives
the same published figures. Safe while the API serves, as the turnout rebuild is: a write in flight shows
as a difference in one computation and not the next, so only drift two consecutive computations agree on
is corrected, with `$inc` (a concurrent answer's own `$inc` is kept).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backend.core import counters
from backend.turnout import counting as turnout_counting
from backend.turnout.figures import flat_counts
from backend.voice.polls import counting
from backend.voice.polls.models import PollAnswer, PollCounter

Progress = Callable[[str], None]
Counts = dict[str, dict[str, int]]  # counter `_id` -> dotted path ("c.q1.all.n") -> count
BATCH = 1000
PROGRESS_EVERY = 10_000


@dataclass
class Report:
    answers: int = 0
    checked: int = 0
    drifted: int = 0
    corrected: int = 0
    transient: int = 0
    corrections: list[tuple[str, str, int]] = field(default_factory=list)


def _quiet(_: str) -> None:
    return None


def _scope(poll: str | None) -> dict[str, Any]:
    return {} if poll is None else {"poll": poll}


async def _recounted(poll: str | None, progress: Progress) -> tuple[Counts, int]:
    counts: Counts = {}
    seen = 0
    fields = {"poll": 1, "question": 1, "kind": 1, "value": 1, "counted_as": 1}
    cursor = PollAnswer.get_pymongo_collection().find(_scope(poll), fields).sort("_id", 1).batch_size(BATCH)
    async for answer in cursor:
        inc = counting.increments(
            answer["question"], answer["kind"], answer["value"], answer["counted_as"], 1
        )
        for area, code in turnout_counting.areas(answer["counted_as"]):
            target = counts.setdefault(counting.counter_id(answer["poll"], area, code), {})
            for path, n in inc.items():
                target[path] = target.get(path, 0) + n
        seen += 1
        if seen % PROGRESS_EVERY == 0:
            progress(f"answers: {seen} read")
    progress(f"answers: {seen} read")
    return counts, seen


async def _stored(poll: str | None) -> Counts:
    stored: Counts = {}
    async for document in PollCounter.get_pymongo_collection().find(_scope(poll)).sort("_id", 1):
        paths = {f"c.{p}": n for p, n in flat_counts(document.get("c", {})).items()}
        paths |= {f"k.{p}": n for p, n in flat_counts(document.get("k", {})).items()}
        stored[document["_id"]] = paths
    return stored


async def measure(poll: str | None = None, progress: Progress = _quiet) -> tuple[Counts, int, int]:
    """The drift (recounted minus stored) per counter document, the answers read, the documents checked."""
    recounted, answers = await _recounted(poll, progress)
    stored = await _stored(poll)
    drift: Counts = {}
    for document_id in recounted.keys() | stored.keys():
        counted, kept = recounted.get(document_id, {}), stored.get(document_id, {})
        difference = {p: counted.get(p, 0) - kept.get(p, 0) for p in counted.keys() | kept.keys()}
        if nonzero := {p: n for p, n in difference.items() if n}:
            drift[document_id] = nonzero
    return drift, answers, len(recounted.keys() | stored.keys())


async def _correct(document_id: str, inc: Mapping[str, int]) -> None:
    poll, area, code = document_id.split(":", 2)
    await counters.increment(
        PollCounter.get_pymongo_collection(),
        {"_id": document_id},
        inc,
        set_on_insert={"poll": poll, "area": area, "code": code},
    )


async def rebuild(*, poll: str | None = None, dry_run: bool = False, progress: Progress = _quiet) -> Report:
    """Measure twice (one poll, or every poll); correct the drift both measurements agree on."""
    progress("first count")
    first, _, _ = await measure(poll, progress)
    progress("second count")
    second, answers, checked = await measure(poll, progress)
    agreed: Counts = {}
    for document_id, paths in second.items():
        same = {p: n for p, n in paths.items() if first.get(document_id, {}).get(p) == n}
        if same:
            agreed[document_id] = same
    report = Report(answers=answers, checked=checked, drifted=len(agreed))
    report.transient = len((first.keys() | second.keys()) - agreed.keys())
    report.corrections = sorted((d, p, n) for d, paths in agreed.items() for p, n in paths.items())
    if not dry_run:
        for document_id, inc in agreed.items():
            await _correct(document_id, inc)
        report.corrected = len(agreed)
    return report
