"""A constituency's turnout as the brief receives it, with suppressed cells whose hidden values are known."""

from datetime import UTC, datetime

from backend.turnout.protection import NOTE
from schemas.turnout import (
    AreaKind,
    AreaRef,
    AverageCell,
    AverageFigures,
    Breakdowns,
    Cell,
    Comparison,
    MonthFigures,
    TurnoutFigures,
    TurnoutRead,
)

# What the suppressed cells hide: numbers no visible figure of the test data prints.
HIDDEN = (7919, 6661, 5233, 4253, 3457, 2917)
NAME, NAME_UR = "Lahore Cantonment", "لاہور چھاؤنی"


def _hidden(which: int, *, carried: bool) -> Cell:
    """A suppressed cell; `carried` keeps the hidden value in it, as a careless caller might."""
    return Cell(value=HIDDEN[which] if carried else None, suppressed=True)


def _shown(value: int) -> Cell:
    return Cell(value=value)


def make_turnout(*, carried: bool = True) -> TurnoutRead:
    """Twelve months of a constituency with suppressed cells in the totals, months, splits and averages."""
    months = [f"2025-{m:02d}" for m in (12,)] + [f"2026-{m:02d}" for m in range(1, 12)]
    series = [
        MonthFigures(
            month=month,
            events_held=2 + index % 3,
            events_cancelled=index % 2,
            headcount=_shown(140 + 17 * index) if index != 5 else _hidden(2, carried=carried),
            checkins=_shown(30 + index) if index % 4 else _hidden(0, carried=carried),
            reached=_shown(21 + 2 * index) if index % 3 else _hidden(1, carried=carried),
            signups=_shown(12 + index),
            erasures=Cell(value=None, suppressed=True),
            alert_reach=_shown(0),
        )
        for index, month in enumerate(months)
    ]
    totals = TurnoutFigures(
        events_held=38,
        events_cancelled=6,
        headcount=_shown(2802),
        checkins=_shown(611),
        reached=_shown(402),
        signups=_hidden(2, carried=carried),
        erasures=_hidden(3, carried=carried),
        alert_reach=_shown(0),
    )
    breakdowns = Breakdowns(
        headcount_by_gender={
            "female": _shown(1290),
            "male": _shown(1502),
            "transgender": _hidden(4, carried=carried),
        },
        headcount_by_age={
            "under_15": _shown(88),
            "age_15_19": _shown(1108),
            "age_20_24": _shown(990),
            "age_25_29": _shown(520),
            "age_30_plus": _hidden(5, carried=carried),
        },
        reached_by_gender={
            "female": _shown(188),
            "male": _shown(211),
            "transgender": _hidden(0, carried=carried),
        },
        reached_by_age={
            "age_15_19": _shown(170),
            "age_20_24": _shown(150),
            "age_25_29": _hidden(1, carried=carried),
        },
        signups_by_gender={"female": _hidden(2, carried=carried)},
        signups_by_age={"age_15_19": _hidden(3, carried=carried)},
        events_by_kind={"dialogue": 30, "school_session": 8},
        events_by_topic={
            "legal_migration": 14,
            "recruiter_check": 11,
            "fake_job_or_visa": 9,
            "remittances": 4,
        },
        headcount_by_topic={
            "legal_migration": _shown(1040),
            "recruiter_check": _shown(822),
            "fake_job_or_visa": _shown(690),
            "remittances": _shown(250),
            "rights_abroad": _hidden(4, carried=carried),
        },
    )
    comparisons = [
        Comparison(
            area=AreaRef(kind=kind, code=code, name=name, name_ur=name_ur),
            unit=AreaKind.CONSTITUENCY,
            units=units,
            average=AverageFigures(
                events_held=events,
                headcount=AverageCell(value=events * 71.5),
                checkins=AverageCell(value=events * 15.5),
                reached=AverageCell(value=None, suppressed=True)
                if kind is AreaKind.DISTRICT
                else AverageCell(value=events * 9.25),
                signups=AverageCell(value=events * 4.5),
            ),
        )
        for kind, code, name, name_ur, units, events in (
            (AreaKind.DISTRICT, "lahore", "Lahore", "لاہور", 14, 31.5),
            (AreaKind.PROVINCE, "PK-PB", "Punjab", "پنجاب", 141, 22.25),
            (AreaKind.NATIONAL, "PK", "Pakistan", "پاکستان", 266, 18.5),
        )
    ]
    return TurnoutRead(
        area=AreaRef(kind=AreaKind.CONSTITUENCY, code="NA-120", name=NAME, name_ur=NAME_UR),
        from_month=months[0],
        to_month=months[-1],
        totals=totals,
        months=series,
        breakdowns=breakdowns,
        comparisons=comparisons,
        adjusted=True,
        note=NOTE,
        generated_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
    )
