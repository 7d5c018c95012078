"""Turnout reads: one area's figures over a period, from its counter documents only, through the gate."""

from collections.abc import Sequence
from dataclasses import dataclass

from cachetools import LRUCache

from backend.accounts.models import Account
from backend.core.clock import month_of, utc_now
from backend.core.errors import invalid_field
from backend.core.http_cache import Representation
from backend.core.kept_reads import KeptReads
from backend.geography import service as geography
from backend.turnout import counting, figures, protection, signals
from backend.turnout.brief import page as brief
from backend.turnout.figures import AreaFigures, MonthCounts
from backend.turnout.models import TurnoutCounter
from backend.turnout.scope import Area, area_in_scope, comparisons
from schemas.turnout import AreaKind, AreaRef, BriefLanguage, Comparison, TurnoutRead

DEFAULT_MONTHS = 12
MAX_MONTHS = 60
# The contract's months (MONTH_PATTERN) start here: a default window is cut at it, never before.
FIRST_MONTH = "2000-01"


def _month_index(month: str) -> int:
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def _month_at(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def current_month() -> str:
    """This month in Pakistan time, where turnout months are counted."""
    return month_of(utc_now())


def month_range(*, from_month: str | None, to_month: str | None) -> list[str]:
    """The months from `from_month` to `to_month`; by default the last 12 ending with this month."""
    last = _month_index(to_month or current_month())
    first = (
        _month_index(from_month)
        if from_month
        else max(last - (DEFAULT_MONTHS - 1), _month_index(FIRST_MONTH))
    )
    if first > last:
        raise invalid_field("query.from", "after_to", "`from` must not be after `to`.")
    if last - first + 1 > MAX_MONTHS:
        raise invalid_field(
            "query.from" if from_month else "query.to",
            "span_too_long",
            f"`from` to `to` spans at most {MAX_MONTHS} months.",
        )
    return [_month_at(index) for index in range(first, last + 1)]


Versions = tuple[tuple[str, str], ...]


# A dashboard read again within a second in this process takes the versions it was just given, unless
# a count was written here since (core/kept_reads.py): a check-in elsewhere shows within that second.
VERSIONS_KEPT_S = 1.0
_kept_versions: KeptReads[tuple[str, ...], Versions | None] = KeptReads(
    TurnoutCounter, seconds=VERSIONS_KEPT_S, most=1024
)


async def _versions(ids: Sequence[str]) -> Versions | None:
    """Each counter document's version, by `_id`; None when one has none (written before versions)."""

    async def read() -> Versions | None:
        stored = [one for document_id in ids for one in counting.stored_ids(document_id)]
        cursor = TurnoutCounter.get_pymongo_collection().find({"_id": {"$in": stored}}, {"v": 1})
        return _versions_of([(document["_id"], document.get("v")) async for document in cursor])

    return await _kept_versions.get(tuple(ids), read)


def _versions_of(found: list[tuple[str, str | None]]) -> Versions | None:
    if any(version is None for _, version in found):
        return None
    return tuple(sorted((document_id, str(version)) for document_id, version in found))


async def _counts(
    areas: Sequence[Area], months: Sequence[str]
) -> tuple[dict[Area, AreaFigures], Versions | None]:
    """Each area's counter documents over `months`, fetched by `_id` in one query (counts and key sums,
    the slots of a split counter summed), and the versions of the documents read."""
    ids = {
        stored: (area, month)
        for area in areas
        for month in months
        for stored in counting.stored_ids(_counter_id(area, month))
    }
    found: dict[Area, dict[str, MonthCounts]] = {area: {} for area in areas}
    versions: list[tuple[str, str | None]] = []
    cursor = TurnoutCounter.get_pymongo_collection().find(
        {"_id": {"$in": list(ids)}}, {"c": 1, "k": 1, "v": 1}
    )
    async for document in cursor:
        area, month = ids[document["_id"]]
        versions.append((document["_id"], document.get("v")))
        part = MonthCounts(
            counts=figures.flat_counts(document.get("c") or {}),
            keys=figures.flat_counts(document.get("k") or {}),
        )
        found[area][month] = figures.summed(found[area][month], part) if month in found[area] else part
    counted = {area: AreaFigures(months=tuple(months), by_month=by_month) for area, by_month in found.items()}
    return counted, _versions_of(versions)


def _counter_id(area: Area, month: str) -> str:
    return counting.counter_id(area.kind.value, area.code, month)


def _area_ref(area: Area, reference: geography.Reference) -> AreaRef:
    name: str = "Pakistan"
    name_ur: str | None = "پاکستان"
    if area.kind is AreaKind.CONSTITUENCY:
        name, name_ur = reference.seats[area.code].name, None
    elif area.kind is AreaKind.DISTRICT:
        name, name_ur = reference.district_names[area.code], None
    elif area.kind is AreaKind.PROVINCE:
        name, name_ur = reference.province_names[area.code]
    return AreaRef(kind=area.kind, code=area.code, name=name, name_ur=name_ur)


@dataclass(frozen=True)
class Published:
    """An area's figures as read, and serialised once for the API."""

    read: TurnoutRead
    representation: Representation


# Figures made from counter documents, by the documents' versions: the same versions make the same
# figures, and every counter write sets a new version (counting.stamp), in any process. So a dashboard
# read again costs one small lookup of versions instead of reading, flattening and gating every cell.
_published: LRUCache[tuple[object, ...], Published] = LRUCache(maxsize=512)
# An area's comparisons, by the reference data they were worked out from (every seat is looked at).
_compared: LRUCache[tuple[object, ...], list[tuple[Area, AreaKind, int]]] = LRUCache(maxsize=2048)


async def read_turnout(
    *, account: Account, kind: AreaKind, code: str, from_month: str | None, to_month: str | None
) -> TurnoutRead:
    """An area's totals, months, breakdowns and comparisons, if the caller may see the area (else 404)."""
    published = await publish(account=account, kind=kind, code=code, from_month=from_month, to_month=to_month)
    return published.read


async def publish(
    *, account: Account, kind: AreaKind, code: str, from_month: str | None, to_month: str | None
) -> Published:
    """`read_turnout`'s figures with their serialised form, kept while no counter read has changed.

    The figures are the same for every reader who may see them: what is published depends on the
    records counted, never on who asks (so no reader learns more by asking as someone else).
    """
    months = month_range(from_month=from_month, to_month=to_month)
    area = await area_in_scope(account=account, kind=kind, code=code)
    reference = await geography.reference()
    # The names come from the reference data: a reload of it (an import) makes new figures too.
    loaded = (reference.database, reference.loaded_at)
    if (compared := _compared.get((area, *loaded))) is None:
        compared = _compared[(area, *loaded)] = comparisons(area, reference)
    areas = list(dict.fromkeys([area, *(other for other, _, _ in compared)]))
    question = (area, tuple(months), *loaded)
    versions = await _versions([_counter_id(one, month) for one in areas for month in months])
    if versions is not None and (kept := _published.get((*question, versions))) is not None:
        return kept
    counts, versions = await _counts(areas, months)
    main = counts[area]
    read = TurnoutRead(
        area=_area_ref(area, reference),
        from_month=months[0],
        to_month=months[-1],
        totals=figures.totals(main),
        months=figures.series(main),
        breakdowns=figures.breakdowns(main),
        comparisons=[
            Comparison(
                area=_area_ref(other, reference),
                unit=unit,
                units=units,
                average=figures.average(counts[other], units),
            )
            for other, unit, units in compared
        ],
        adjusted=True,
        note=protection.NOTE,
        generated_at=utc_now(),
    )
    published = Published(read=read, representation=Representation.of(read, compressed=True))
    if versions is not None:
        _published[(*question, versions)] = published
    return published


async def brief_html(
    *, account: Account, code: str, lang: BriefLanguage, from_month: str | None, to_month: str | None
) -> str:
    """A constituency's brief as HTML, from the same read as its dashboard: one page of turnout, and the
    pages features above turnout add (what young people said)."""
    turnout = await read_turnout(
        account=account, kind=AreaKind.CONSTITUENCY, code=code, from_month=from_month, to_month=to_month
    )
    months = month_range(from_month=turnout.from_month, to_month=turnout.to_month)
    pages = await signals.brief_pages.collect(turnout.area.code, months, lang)
    return await brief.render_brief_html(turnout, lang=lang, more_pages=[page for page in pages if page])


async def brief_pdf(
    *, account: Account, code: str, lang: BriefLanguage, from_month: str | None, to_month: str | None
) -> bytes:
    """The same brief as PDF."""
    html = await brief_html(account=account, code=code, lang=lang, from_month=from_month, to_month=to_month)
    return await brief.render_brief_pdf(html)
