"""Poll results as staff read them: one area they may read (turnout's scope rules) beside the country,
every count through the one gate (turnout/protection.py), approved quotes without their authors."""

from collections.abc import Mapping
from typing import Any

from backend.accounts.models import Account
from backend.core.clock import utc_now
from backend.core.errors import invalid_field
from backend.turnout import protection
from backend.turnout.figures import flat_counts
from backend.turnout.models import NATIONAL_CODE
from backend.turnout.scope import Area, area_in_scope
from backend.voice.polls.counting import counter_id
from backend.voice.polls.editing import load, status_of
from backend.voice.polls.models import Poll, PollCounter, PollQuote
from schemas.alerts import AgeBand
from schemas.polls import RATINGS, AreaResults, PollResults, QuestionResult, ResultCounts
from schemas.turnout import AreaKind
from schemas.youth import Gender

# At most this many approved quotes per question and area, the first approved first: a page, not a dump.
MAX_QUOTES = 20


def _values(question: Mapping[str, Any]) -> tuple[str, ...]:
    if question["kind"] == "rating":
        return RATINGS
    return tuple(option["id"] for option in question["options"])


def _counts(
    counts: Mapping[str, int], keys: Mapping[str, int], base: str, values: tuple[str, ...]
) -> ResultCounts:
    def cell(path: str) -> Any:
        return protection.protect(counts.get(path, 0), keys.get(path, 0))

    return ResultCounts(
        respondents=cell(f"{base}.n"), options={value: cell(f"{base}.v.{value}") for value in values}
    )


def _in_area(counted: Mapping[str, Any], area: Area) -> bool:
    if area.kind is AreaKind.NATIONAL:
        return True
    if area.kind is AreaKind.CONSTITUENCY:
        return area.code in (counted.get("constituency"), counted.get("provincial_constituency"))
    return counted.get(area.kind.value) == area.code


def area_results(
    poll: Poll, area: Area, stored: Mapping[str, Any] | None, quotes: list[dict[str, Any]]
) -> AreaResults:
    counts = flat_counts((stored or {}).get("c", {}))
    keys = flat_counts((stored or {}).get("k", {}))
    questions = []
    for question in poll.questions:
        values, base = _values(question), question["id"]
        questions.append(
            QuestionResult(
                question=base,
                kind=question["kind"],
                all=_counts(counts, keys, f"{base}.all", values),
                by_gender={
                    gender: _counts(counts, keys, f"{base}.g_{gender.value}", values) for gender in Gender
                },
                by_age={band: _counts(counts, keys, f"{base}.a_{band.value}", values) for band in AgeBand},
                quotes=[
                    quote["text"]
                    for quote in sorted(quotes, key=lambda quote: (quote["approved_at"], quote["_id"]))
                    if quote["question"] == base and _in_area(quote["places"], area)
                ][:MAX_QUOTES],
            )
        )
    return AreaResults(kind=area.kind, code=area.code, questions=questions)


async def approved_quotes(poll_id: str) -> list[dict[str, Any]]:
    """The poll's short texts editors approved as quotes, with the places they count in (never who)."""
    return [quote async for quote in PollQuote.get_pymongo_collection().find({"poll": poll_id})]


async def read_results(*, account: Account, poll_id: str, kind: AreaKind, code: str | None) -> PollResults:
    """A poll's results in an area the caller may read (404 otherwise), beside the country's."""
    if kind is not AreaKind.NATIONAL and not code:
        raise invalid_field("query.code", "missing", "name the area's code")
    poll = await load(poll_id)
    national = Area(AreaKind.NATIONAL, NATIONAL_CODE)
    area = (
        national
        if kind is AreaKind.NATIONAL
        else await area_in_scope(account=account, kind=kind, code=code or "")
    )
    wanted = {counter_id(poll.id, a.kind.value, a.code): a for a in (area, national)}
    stored = {
        found["_id"]: found
        async for found in PollCounter.get_pymongo_collection().find({"_id": {"$in": list(wanted)}})
    }
    quotes = await approved_quotes(poll.id)
    results = {a: area_results(poll, a, stored.get(document_id), quotes) for document_id, a in wanted.items()}
    return PollResults(
        poll_id=poll.id,  # type: ignore[arg-type]  # validated into a UUID
        title=poll.title,  # type: ignore[arg-type]
        status=status_of(poll, now=utc_now()),
        area=results[area],
        national=None if area == national else results[national],
        note=protection.NOTE,
    )
