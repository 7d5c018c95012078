"""Is a staff member's ID token or console session still good? Staff read other people's data, so a
revoked sign-in must stop working, but asking Firebase on every request costs a network round trip and a
quota. So: every request is checked here against the account's `tokens_valid_after` (set by our own
sign-out), and Firebase is asked at most once a minute per account and process, which catches a
revocation made elsewhere (the Firebase console, a password reset) within that minute.
"""

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import Request

from backend.accounts.models import Account
from backend.core.errors import UnauthenticatedError


class RevocationChecks:
    """When this process last asked Firebase about each account (monotonic seconds)."""

    def __init__(self, interval_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_s = interval_s
        self.clock = clock
        self._asked: dict[str, float] = {}

    def due(self, uid: str) -> bool:
        asked = self._asked.get(uid)
        return asked is None or self.clock() - asked >= self.interval_s

    def asked(self, uid: str) -> None:
        self._asked[uid] = self.clock()


def valid_after_now() -> datetime:
    """The moment from which new sign-ins are good, in whole seconds as Firebase counts them: a token
    issued in the second of a sign-out is still good (Firebase's own rule), an older one is not."""
    return datetime.fromtimestamp(int(time.time()), UTC)


async def check(
    request: Request,
    account: Account,
    claims: dict[str, Any],
    *,
    ask_firebase: Callable[[], Awaitable[object]],
    code: str = "token_revoked",
) -> None:
    """Refuse a token or session issued before the account's sign-out; ask Firebase when it is time."""
    if account.tokens_valid_after is not None:
        issued = int(claims.get("iat", 0))
        if issued < int(account.tokens_valid_after.timestamp()):
            raise UnauthenticatedError("This sign-in was revoked; sign in again.", code=code)
    checks: RevocationChecks = request.app.state.revocation_checks
    if checks.due(account.id):
        await ask_firebase()  # raises UnauthenticatedError when Firebase says it was revoked
        checks.asked(account.id)
