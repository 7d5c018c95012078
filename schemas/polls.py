"""Polls (youth voice): editors write them, young people answer, staff read the results by area."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from schemas.alerts import AgeBand, Audience, TitleText
from schemas.common import ContractModel
from schemas.events import SaneAwareDatetime
from schemas.turnout import AreaKind, Cell
from schemas.youth import Gender, Language

# A poll is written in Urdu and English at least; the other app languages may be added.
REQUIRED_LANGUAGES = frozenset({Language.URDU, Language.ENGLISH})
MAX_QUESTIONS = 20
MAX_OPTIONS = 10
SHORT_TEXT_LENGTH = 280
RATINGS = ("1", "2", "3", "4", "5")
QuestionId = Annotated[str, Field(pattern=r"^q[1-9][0-9]?$", description="`q1`, `q2`, ... in order.")]
OptionId = Annotated[str, Field(pattern=r"^o(10|[1-9])$", description="`o1`, `o2`, ... in order.")]


def _urdu_and_english(text: dict[Language, str]) -> dict[Language, str]:
    if not set(text) >= REQUIRED_LANGUAGES:
        raise PydanticCustomError("urdu_and_english_required", "write it in Urdu and English at least")
    return text


ShortLabel = Annotated[str, Field(min_length=1, max_length=200)]
QuestionText = Annotated[str, Field(min_length=1, max_length=300)]


class QuestionKind(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    RATING = "rating"  # 1 to 5
    SHORT_TEXT = "short_text"  # at most 280 characters, plain text


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})


class PollStatus(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class PollOptionWrite(ContractModel):
    label: dict[Language, ShortLabel] = Field(min_length=1, max_length=7)

    _languages = field_validator("label")(_urdu_and_english)


class PollQuestionWrite(ContractModel):
    """One question; choice questions list 2 to 10 options, the other kinds none."""

    kind: QuestionKind
    text: dict[Language, QuestionText] = Field(min_length=1, max_length=7)
    options: list[PollOptionWrite] = Field(default_factory=list, max_length=MAX_OPTIONS)

    _languages = field_validator("text")(_urdu_and_english)

    @model_validator(mode="after")
    def _options_fit_the_kind(self) -> "PollQuestionWrite":
        if self.kind in CHOICE_KINDS and len(self.options) < 2:
            raise PydanticCustomError("options_required", "a choice question lists 2 to 10 options")
        if self.kind not in CHOICE_KINDS and self.options:
            raise PydanticCustomError("options_not_allowed", "only choice questions list options")
        return self


# Shorter than a campaign's body: with its title it fits one push in any script (4 bytes a character).
AnnouncementText = Annotated[str, Field(min_length=1, max_length=500)]


class PollAnnouncement(ContractModel):
    """The alert sent when the poll opens, linking to it, to the poll's audience."""

    title: dict[Language, TitleText] = Field(min_length=1, max_length=7)
    body: dict[Language, AnnouncementText] = Field(min_length=1, max_length=7)

    _title_languages = field_validator("title")(_urdu_and_english)
    _body_languages = field_validator("body")(_urdu_and_english)

    @model_validator(mode="after")
    def _same_languages(self) -> "PollAnnouncement":
        if set(self.title) != set(self.body):
            raise PydanticCustomError("languages_differ", "give a body for exactly the title's languages")
        return self


class PollWrite(ContractModel):
    """A poll as an editor writes it: open from `opens_at` until `closes_at` to its audience."""

    title: dict[Language, TitleText] = Field(min_length=1, max_length=7)
    questions: list[PollQuestionWrite] = Field(min_length=1, max_length=MAX_QUESTIONS)
    audience: Audience
    opens_at: SaneAwareDatetime = Field(description="With its UTC offset (Pakistan time is +05:00).")
    closes_at: SaneAwareDatetime = Field(description="After `opens_at`, at most 90 days after it.")
    announce: PollAnnouncement | None = Field(
        default=None, description="An alert to the poll's audience when it opens, linking to it."
    )

    _languages = field_validator("title")(_urdu_and_english)


class PollUpdate(ContractModel):
    """Changes to a poll: questions only while nobody has answered, the opening time only before it opens."""

    title: dict[Language, TitleText] | None = Field(default=None, min_length=1, max_length=7)
    questions: list[PollQuestionWrite] | None = Field(default=None, min_length=1, max_length=MAX_QUESTIONS)
    audience: Audience | None = None
    opens_at: SaneAwareDatetime | None = None
    closes_at: SaneAwareDatetime | None = None

    @field_validator("title")
    @classmethod
    def _title_languages(cls, title: dict[Language, str] | None) -> dict[Language, str] | None:
        return None if title is None else _urdu_and_english(title)


class PollOptionRead(ContractModel):
    id: OptionId
    label: dict[Language, str]


class PollQuestionRead(ContractModel):
    id: QuestionId
    kind: QuestionKind
    text: dict[Language, str]
    options: list[PollOptionRead]


class PollRead(ContractModel):
    """A poll as editors see it; `version` is its ETag for If-Match."""

    id: UUID
    title: dict[Language, str]
    questions: list[PollQuestionRead]
    audience: Audience
    opens_at: datetime
    closes_at: datetime
    status: PollStatus
    version: int
    answered: bool = Field(description="Somebody has answered: the questions can no longer change.")
    announcement_campaign_id: UUID | None
    created_by: str
    created_at: datetime


class AnswerWrite(ContractModel):
    """One answer: `choice` (single choice), `choices` (multiple), `rating` (1-5) or `text` (short text)."""

    question: QuestionId
    choice: OptionId | None = None
    choices: list[OptionId] | None = Field(default=None, min_length=1, max_length=MAX_OPTIONS)
    rating: int | None = Field(default=None, ge=1, le=5)
    text: str | None = Field(default=None, min_length=1, max_length=SHORT_TEXT_LENGTH)

    @model_validator(mode="after")
    def _one_value(self) -> "AnswerWrite":
        given = [value for value in (self.choice, self.choices, self.rating, self.text) if value is not None]
        if len(given) != 1:
            raise PydanticCustomError("one_value", "give exactly one of choice, choices, rating or text")
        return self


class AnswersWrite(ContractModel):
    """Answers to some or all questions of a poll; sending the same again changes nothing."""

    answers: list[AnswerWrite] = Field(min_length=1, max_length=MAX_QUESTIONS)

    @field_validator("answers")
    @classmethod
    def _each_question_once(cls, answers: list[AnswerWrite]) -> list[AnswerWrite]:
        questions = [answer.question for answer in answers]
        if len(set(questions)) != len(questions):
            raise PydanticCustomError("question_repeated", "answer each question at most once per request")
        return answers


class AnswerRead(ContractModel):
    question: QuestionId
    choice: str | None = None
    choices: list[str] | None = None
    rating: int | None = None
    text: str | None = None
    answered_at: datetime
    changed_at: datetime


class YouthPollRead(ContractModel):
    """A poll as a young person in its audience sees it, with their own answers."""

    id: UUID
    title: dict[Language, str]
    questions: list[PollQuestionRead]
    opens_at: datetime
    closes_at: datetime
    status: PollStatus
    my_answers: list[AnswerRead]


class ResultCounts(ContractModel):
    """People who answered, and how many chose each option (ratings "1" to "5"); protected counts."""

    respondents: Cell
    options: dict[str, Cell]


class QuestionResult(ContractModel):
    question: QuestionId
    kind: QuestionKind
    all: ResultCounts
    by_gender: dict[Gender, ResultCounts]
    by_age: dict[AgeBand, ResultCounts]
    quotes: list[str] = Field(description="Short-text answers an editor approved as quotes, anonymous.")


class AreaResults(ContractModel):
    kind: AreaKind
    code: str
    questions: list[QuestionResult]


class PollResults(ContractModel):
    """A poll's results in one area, beside the country's (absent when the area is the country)."""

    poll_id: UUID
    title: dict[Language, str]
    status: PollStatus
    area: AreaResults
    national: AreaResults | None
    note: str


class TextAnswerRead(ContractModel):
    """A short-text answer as editors see it: never who wrote it."""

    id: UUID
    question: QuestionId
    text: str
    quoted: bool
    month: str = Field(description="The month it was written (YYYY-MM, Pakistan time).")
