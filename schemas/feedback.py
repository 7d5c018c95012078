"""Event feedback (youth voice): young people rate events they attended; staff read it, in aggregate."""

from datetime import datetime
from uuid import UUID

from pydantic import Field

from schemas.common import ContractModel
from schemas.polls import SHORT_TEXT_LENGTH
from schemas.turnout import AreaKind, AverageCell, Cell


class FeedbackWrite(ContractModel):
    """A young person's feedback on an event they checked in at: once, within 14 days of it."""

    rating: int = Field(ge=1, le=5)
    learned: str | None = Field(
        default=None,
        min_length=1,
        max_length=SHORT_TEXT_LENGTH,
        description="What they learned (plain text).",
    )
    recommend: bool


class FeedbackRead(ContractModel):
    rating: int
    learned: str | None
    recommend: bool
    given_at: datetime


class FeedbackFigures(ContractModel):
    """Feedback counted over events: people who gave it, each rating, who would recommend; protected."""

    respondents: Cell
    ratings: dict[str, Cell] = Field(description='Keys "1" to "5".')
    recommend: Cell
    not_recommend: Cell
    average_rating: AverageCell = Field(description="Of the published ratings; hidden when one is.")


class EventFeedbackRead(ContractModel):
    """An event's feedback as its officers and supervisors see it: figures, and entries without names."""

    event_id: UUID
    figures: FeedbackFigures
    entries: list[FeedbackRead]
    total: int
    limit: int
    offset: int


class AreaFeedbackRead(ContractModel):
    """Feedback on the events of an area over months (by the events' start), beside the country's."""

    kind: AreaKind
    code: str
    from_month: str
    to_month: str
    figures: FeedbackFigures
    national: FeedbackFigures
    note: str
