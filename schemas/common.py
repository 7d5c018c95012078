"""Models shared by every feature: the problem-details error shape and the page of a list."""

from datetime import UTC, datetime
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
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


SaneDatetime = Annotated[datetime, AfterValidator(_within_time_range)]


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
