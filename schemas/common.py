"""Models shared by every feature: the problem-details error shape and the page of a list."""

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


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
