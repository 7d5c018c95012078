"""Turnout for MPs, field staff and editors: counts by area and month; counts of young people adjusted by
cell-key perturbation and hidden when that gives 1 to 4 (docs/PRIVACY.md)."""

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from schemas.common import ContractModel

MONTH_PATTERN = r"^(20[0-9]{2})-(0[1-9]|1[0-2])$"


class AreaKind(StrEnum):
    CONSTITUENCY = "constituency"
    DISTRICT = "district"
    PROVINCE = "province"
    NATIONAL = "national"


class BriefLanguage(StrEnum):
    EN = "en"
    UR = "ur"


class Cell(ContractModel):
    """A count derived from young people as published: the true count plus a small adjustment (at most 2
    either way, never below zero, a true zero kept), the same every time the same people are counted;
    none when the adjusted count is 1 to 4 (suppressed)."""

    value: int | None = Field(description="None when suppressed.")
    suppressed: bool = False


class AverageCell(ContractModel):
    """An average over the areas of a comparison, of the published total; suppressed when that is."""

    value: float | None = Field(description="None when suppressed.")
    suppressed: bool = False


class AreaRef(ContractModel):
    kind: AreaKind
    code: str
    name: str
    name_ur: str | None = None


class TurnoutFigures(ContractModel):
    """The figures of one month, or of the whole period."""

    events_held: int = Field(description="Approved reports of held events (not derived from young people).")
    events_cancelled: int
    headcount: Cell = Field(description="Officers' headcount at held events, from approved reports.")
    checkins: Cell = Field(description="Young people's own check-ins at events.")
    reached: Cell = Field(description="Young people checking in here for the first time (distinct people).")
    active: Cell | None = Field(
        default=None, description="Distinct young people checking in during the month (months only)."
    )
    signups: Cell
    erasures: Cell
    alert_reach: Cell = Field(description="Alerts opened by young people of the area.")


class MonthFigures(TurnoutFigures):
    month: str = Field(pattern=MONTH_PATTERN)


class Breakdowns(ContractModel):
    """Splits over the whole period. Keys: genders, age bands, event kinds and topics."""

    headcount_by_gender: dict[str, Cell]
    headcount_by_age: dict[str, Cell]
    reached_by_gender: dict[str, Cell]
    reached_by_age: dict[str, Cell]
    signups_by_gender: dict[str, Cell]
    signups_by_age: dict[str, Cell]
    events_by_kind: dict[str, int]
    events_by_topic: dict[str, int]
    headcount_by_topic: dict[str, Cell]


class AverageFigures(ContractModel):
    """The average area of a comparison over the period."""

    events_held: float
    headcount: AverageCell
    checkins: AverageCell
    reached: AverageCell
    signups: AverageCell


class Comparison(ContractModel):
    """The average `unit` (constituency, district or province) of a wider area, over the same period."""

    area: AreaRef
    unit: AreaKind
    units: int = Field(description="How many units the average is taken over.")
    average: AverageFigures


class TurnoutRead(ContractModel):
    area: AreaRef
    from_month: str = Field(pattern=MONTH_PATTERN)
    to_month: str = Field(pattern=MONTH_PATTERN)
    totals: TurnoutFigures
    months: list[MonthFigures]
    breakdowns: Breakdowns
    comparisons: list[Comparison]
    adjusted: bool = Field(
        description="True: counts of young people are adjusted for privacy (always, whatever the figures)."
    )
    note: str = Field(description="One line saying so, for the reader: parts may not add up to totals.")
    generated_at: datetime
