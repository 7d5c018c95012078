"""The one way a console form becomes the API's request model: the same model, so the same rules, and
the same 422 the API would answer, each field named as the API names it (`body.turnout.by_gender`)."""

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from backend.core.errors import ValidationFailedError, field_problems_from_validation

Contract = TypeVar("Contract", bound=BaseModel)


def as_contract(
    model: type[Contract], values: Mapping[str, Any], *, detail: str, field: str = "body"
) -> Contract:
    """`values` as the API's `model`, or a 422 (`detail`) naming each invalid field under `field`."""
    try:
        return model.model_validate(values)
    except ValidationError as invalid:
        problems = field_problems_from_validation(invalid.errors())
        for problem in problems:
            problem.field = f"{field}.{problem.field}" if problem.field else field
        raise ValidationFailedError(detail, errors=problems) from None
