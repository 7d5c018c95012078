"""Signed check-in codes: the QR payload an officer shows, bound to one event and its time window.

Format: `HQ1.<event id>.<valid from>.<valid until>.<signature>`, times in Unix seconds, signature
HMAC-SHA256 (base64url) over everything before it. Short enough for a low-density QR code.
"""

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

from backend.core.errors import ValidationFailedError
from backend.core.settings import Settings
from backend.events.models import Event
from schemas.common import FieldProblem
from schemas.events import CheckinCode

_PREFIX = "HQ1"


class CheckinCodeError(ValidationFailedError):
    code = "invalid_checkin_code"
    title = "Invalid check-in code"

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message, errors=[FieldProblem(field="body.code", rule=rule, message=message)])


class CheckinSigner:
    """Issues and verifies check-in codes with the configured key."""

    def __init__(self, settings: Settings) -> None:
        secret = settings.checkin_signing_key
        # Outside production a random key per process is enough: codes are short-lived anyway.
        self._key = secret.get_secret_value().encode() if secret else secrets.token_bytes(32)
        self._early = timedelta(minutes=settings.checkin_early_minutes)
        self._grace = timedelta(minutes=settings.checkin_grace_minutes)

    def _sign(self, message: str) -> str:
        digest = hmac.new(self._key, message.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def issue(self, event: Event) -> CheckinCode:
        valid_from, valid_until = event.starts_at - self._early, event.ends_at + self._grace
        message = (
            f"{_PREFIX}.{UUID(event.id).hex}.{int(valid_from.timestamp())}.{int(valid_until.timestamp())}"
        )
        return CheckinCode(
            event_id=UUID(event.id),
            payload=f"{message}.{self._sign(message)}",
            valid_from=valid_from,
            valid_until=valid_until,
        )

    def verify(self, payload: str, *, now: datetime) -> UUID:
        """The event id of a genuine code that is valid at `now`; raises CheckinCodeError otherwise."""
        parts = payload.strip().split(".")
        if len(parts) != 5 or parts[0] != _PREFIX:
            raise CheckinCodeError("format", "this is not a Hamqadam check-in code")
        message, signature = ".".join(parts[:4]), parts[4]
        if not hmac.compare_digest(self._sign(message), signature):
            raise CheckinCodeError("signature", "the code's signature does not match")
        try:
            event_id = UUID(hex=parts[1])
            valid_from = datetime.fromtimestamp(int(parts[2]), UTC)
            valid_until = datetime.fromtimestamp(int(parts[3]), UTC)
        except ValueError as exc:
            raise CheckinCodeError("format", "the code is damaged") from exc
        if now < valid_from:
            raise CheckinCodeError("not_yet_valid", "check-in opens shortly before the event starts")
        if now > valid_until:
            raise CheckinCodeError("expired", "check-in for this event has closed")
        return event_id
