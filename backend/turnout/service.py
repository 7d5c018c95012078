"""Turnout reads: one area's figures over a period, from its counter documents only, through the gate."""

from collections.abc import Sequence

from backend.accounts.models import Account
from backend.core.clock import month_of, utc_now
from backend.core.errors import invalid_field
from backend.geography import service as geography
from backend.turnout import figures, protection, signals
from backend.turnout.brief import page as brief
from backend.turnout.figures import AreaFigures, MonthCounts
from backend.turnout.models import NATIONAL_CODE, TurnoutCounter
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


async def _counts(areas: Sequence[Area], months: Sequence[str]) -> dict[Area, AreaFigures]:
    """Each area's counter documents over `months`, fetched by `_id` in one query (counts and key sums)."""
    ids = {f"{area.kind.value}:{area.code}:{month}": (area, month) for area in areas for month in months}
    found: dict[Area, dict[str, MonthCounts]] = {area: {} for area in areas}
    cursor = TurnoutCounter.get_pymongo_collection().find({"_id": {"$in": list(ids)}}, {"c": 1, "k": 1})
    async for document in cursor:
        area, month = ids[document["_id"]]
        found[area][month] = MonthCounts(
            counts=figures.flat_counts(document.get("c") or {}),
            keys=figures.flat_counts(document.get("k") or {}),
        )
    return {area: AreaFigures(months=tuple(months), by_month=by_month) for area, by_month in found.items()}


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


async def read_turnout(
    *, account: Account, kind: AreaKind, code: str, from_month: str | None, to_month: str | None
) -> TurnoutRead:
    """An area's totals, months, breakdowns and comparisons, if the caller may see the area (else 404).

    The figures are the same for every reader who may see them: what is published depends on the
    records counted, never on who asks (so no reader learns more by asking as someone else).
    """
    months = month_range(from_month=from_month, to_month=to_month)
    area = await area_in_scope(account=account, kind=kind, code=code)
    reference = await geography.reference()
    compared = comparisons(area, reference)
    counts = await _counts(list(dict.fromkeys([area, *(other for other, _, _ in compared)])), months)
    main = counts[area]
    return TurnoutRead(
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


async def national_turnout(*, account: Account, from_month: str | None, to_month: str | None) -> TurnoutRead:
    """The country's figures."""
    return await read_turnout(
        account=account, kind=AreaKind.NATIONAL, code=NATIONAL_CODE, from_month=from_month, to_month=to_month
    )


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
