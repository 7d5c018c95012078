"""Access rules: every route declares one, and a test fails for a route that does not.

A dependency is an access rule when it carries `__access_rule__`, a short description of who may call.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Depends

F = TypeVar("F", bound=Callable[..., Any])


def access_rule(description: str) -> Callable[[F], F]:
    """Mark a dependency function as an access rule."""

    def mark(function: F) -> F:
        function.__access_rule__ = description  # type: ignore[attr-defined]
        return function

    return mark


@access_rule("public: anyone, signed in or not")
async def public() -> None:
    """Reference data and probes: no personal data, no sign-in."""


Public = Depends(public)
