"""The local FCM server's answers: FCM v1 error bodies by name, and the rules that choose them."""

from dataclasses import dataclass
from typing import Any

_FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"
INVALID_TOKEN_MESSAGE = "The registration token is not a valid FCM registration token"  # noqa: S105
# name -> (HTTP status, google.rpc status, message, FcmError errorCode, extra details)
_ERRORS: dict[str, tuple[int, str, str, str, list[dict[str, Any]]]] = {
    "UNREGISTERED": (404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED", []),
    "INVALID_TOKEN": (400, "INVALID_ARGUMENT", INVALID_TOKEN_MESSAGE, "INVALID_ARGUMENT", []),
    # The older form of the same answer (firebase-admin-python#187): generic message, violation on the token.
    "INVALID_TOKEN_FIELD": (
        400,
        "INVALID_ARGUMENT",
        "Request contains an invalid argument.",
        "INVALID_ARGUMENT",
        [
            {
                "@type": _BAD_REQUEST,
                "fieldViolations": [{"field": "message.token", "description": "Invalid registration token"}],
            }
        ],
    ),
    "INVALID_PAYLOAD": (
        400,
        "INVALID_ARGUMENT",
        "Invalid value at 'message.data[0].value' (TYPE_STRING), 7",
        "INVALID_ARGUMENT",
        [{"@type": _BAD_REQUEST, "fieldViolations": [{"field": "message.data[0].value"}]}],
    ),
    "SENDER_ID_MISMATCH": (403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH", []),
    "QUOTA_EXCEEDED": (429, "RESOURCE_EXHAUSTED", "Quota exceeded.", "QUOTA_EXCEEDED", []),
    "UNAVAILABLE": (503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE", []),
    "INTERNAL": (500, "INTERNAL", "Internal error encountered.", "INTERNAL", []),
    "THIRD_PARTY_AUTH_ERROR": (401, "UNAUTHENTICATED", "Auth error from APNS.", "THIRD_PARTY_AUTH_ERROR", []),
}
ERROR_NAMES = frozenset(_ERRORS) | {"INVALID_ARGUMENT"}


def error_body(name: str) -> tuple[int, dict[str, Any]]:
    """The HTTP status and google.rpc.Status body FCM v1 answers for an error name."""
    status, rpc, message, code, extra = _ERRORS["INVALID_PAYLOAD" if name == "INVALID_ARGUMENT" else name]
    details = [{"@type": _FCM_ERROR, "errorCode": code}, *extra]
    return status, {"error": {"code": status, "message": message, "status": rpc, "details": details}}


@dataclass
class Rule:
    """How to answer requests for a token or topic: an error, a delay, or both, `remaining` more times."""

    target: str | None  # a token or topic; None for every request
    error: str | None  # None: answer normally (with the delay)
    remaining: int | None  # None: for ever
    retry_after: int | None = None
    delay_s: float = 0.0


def rule_from_json(data: Any) -> Rule:
    """A rule from its JSON form (POST /rules); ValueError names what is wrong."""
    if not isinstance(data, dict) or set(data) - {"target", "error", "times", "retry_after", "delay_s"}:
        raise ValueError("a rule is an object of target, error, times, retry_after and delay_s")
    target, error = data.get("target"), data.get("error")
    times, retry_after, delay_s = data.get("times"), data.get("retry_after"), data.get("delay_s", 0)
    if target is not None and not isinstance(target, str):
        raise ValueError("target is a token or topic, or null for every request")
    if error is not None and error not in ERROR_NAMES:
        raise ValueError(f"error is null or one of {sorted(ERROR_NAMES)}")
    for name, value in (("times", times), ("retry_after", retry_after)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError(f"{name} is null or a whole number of at least 0")
    if isinstance(delay_s, bool) or not isinstance(delay_s, int | float) or not 0 <= delay_s <= 600:
        raise ValueError("delay_s is a number of seconds from 0 to 600")
    if error is None and not delay_s:
        raise ValueError("a rule answers an error, or slowly (delay_s), or both")
    return Rule(target, error, times, retry_after, float(delay_s))
