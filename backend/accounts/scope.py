"""The one place a caller's district scope is checked. Field officers and supervisors work in a list of
districts (their capture scope); each feature turns this into its own readable statement (the events a
caller may see, the registrations, the turnout areas), never an inline check of its own.

Two answers for two questions: a stored record outside the scope is not there for the caller (404, so
its existence does not leak); a district the caller names in a write is refused as `outside_scope`
(422 naming the field).
"""

from collections.abc import Iterable

from backend.accounts.models import Account
from backend.core.errors import invalid_field


def covers(account: Account, district: str | None) -> bool:
    """Whether the district lies in the caller's scope."""
    return district is not None and district in account.districts


def covered(account: Account, districts: Iterable[str]) -> list[str]:
    """The districts of `districts` that lie in the caller's scope, in their order."""
    return [district for district in districts if district in account.districts]


def require(account: Account, district: str, *, field: str) -> None:
    """A district named in a write must be one of the caller's: else 422 `outside_scope` naming `field`."""
    if district not in account.districts:
        raise invalid_field(field, "outside_scope", f"'{district}' is not one of your districts")
