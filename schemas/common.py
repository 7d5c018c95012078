"""Models shared by every feature: the problem-details error shape and the page of a list."""

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

T = TypeVar("T")

# Every time the API takes lies in this range: wider than any event, report or query needs, and far
# from the ends of the calendar, where an offset of -23:59 overflows conversions to UTC.
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2100, 1, 1, tzinfo=UTC)


def _within_time_range(value: datetime) -> datetime:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not EARLIEST_TIME <= aware < LATEST_TIME:
        raise PydanticCustomError("datetime_out_of_range", "must be between 2000-01-01 and 2100-01-01 (UTC)")
    return value


# RFC 3339: a date, "T" (or a space), a time; the offset is checked where a time must be aware.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?")


def _rfc3339_text(value: Any) -> Any:
    # Pydantic would also take a Unix time (a number, or digits in a string) and a bare date.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339.fullmatch(value.strip()):
        raise PydanticCustomError(
            "rfc3339_required", "give an RFC 3339 date and time as a string, e.g. 2026-12-03T10:00:00+05:00"
        )
    return value


SaneDatetime = Annotated[datetime, BeforeValidator(_rfc3339_text), AfterValidator(_within_time_range)]


class ContractModel(BaseModel):
    """Base of every contract model: unknown fields are refused, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class FieldProblem(ContractModel):
    """One invalid field: where it is, which rule it broke, and a message for people."""

    field: str = Field(description="Dotted path of the field, e.g. `body.title` or `query.house`.")
    rule: str = Field(
        description="Stable name of the rule that failed, e.g. `missing` or `unknown_district`."
    )
    message: str


class Problem(ContractModel):
    """RFC 9457 problem details, the one shape of every error this API returns."""

    type: str = Field(description="URI naming the problem type: `urn:hamqadam:problem:<code>`.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(default=None, description="The request path that failed.")
    code: str = Field(description="Stable machine-readable error code.")
    request_id: str | None = None
    errors: list[FieldProblem] | None = Field(
        default=None, description="For validation errors: every invalid field."
    )


class Page(ContractModel, Generic[T]):
    """One page of a list, with the total so a client can page through it."""

    items: list[T]
    total: int = Field(ge=0)
    limit: int = Field(ge=1)
    offset: int = Field(ge=0)
