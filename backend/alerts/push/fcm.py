"""Firebase Cloud Messaging through firebase-admin's async API, in one sender class of ours.

firebase-admin has no public option for the FCM endpoint: the sender sets the messaging service's private
`_fcm_url` and `_fcm_topic_url` (firebase-admin 7.x) from `base_url`, so that development and tests talk
to the local server of scripts/fake_fcm.py. tests/alerts/test_fcm.py fails loudly if an upgrade moves them.
Create the sender inside the event loop that uses it (the lifespan): the SDK's httpx client is bound to it.
"""

import asyncio
import email.utils
import itertools
import json
import random
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import firebase_admin
import httpx
from firebase_admin import _http_client, exceptions, messaging
from firebase_admin._retry import HttpxRetry

from backend.alerts.push.messages import (
    MAX_BATCH,
    MAX_TOPIC_BATCH,
    OutcomeKind,
    OutgoingMessage,
    SendOutcome,
    TopicOutcome,
    encode,
    to_fcm,
)
from backend.core.firebase import OfflineCredential

# The private attributes of firebase_admin.messaging._MessagingService we rely on.
SERVICE_ATTRIBUTES = ("_fcm_url", "_fcm_topic_url", "_credential")
ASYNC_CLIENT_ATTRIBUTE = "_async_client"
# FCM's answer to a token that is not one; the SDK exposes it only as the error's message (FIREBASE.md).
_INVALID_TOKEN_DETAIL = "registration token is not a valid fcm registration token"  # noqa: S105
_RETRYABLE = (exceptions.ResourceExhaustedError, exceptions.UnavailableError, exceptions.InternalError)
_build_lock = threading.Lock()
_app_numbers = itertools.count(1)
_jitter = random.Random()  # noqa: S311  (spreads retries; nothing secret)

TopicCall = Callable[..., Awaitable[messaging.TopicManagementResponse]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How failed-retryable messages are retried inside one send: capped exponential backoff with jitter."""

    max_attempts: int = 4
    base_s: float = 0.5
    cap_s: float = 30.0
    # A longer Retry-After is not slept through: the messages come back failed-retryable, to be rescheduled.
    max_wait_s: float = 60.0

    def backoff_s(self, attempt: int) -> float:
        """The wait after the `attempt`-th try: half fixed, half random, never above the cap."""
        ceiling = min(self.cap_s, self.base_s * 2 ** (attempt - 1))
        return float(ceiling / 2 + _jitter.uniform(0, ceiling / 2))


class FcmSender:
    """Sends messages and manages topic subscriptions; one per running process, closed on shutdown."""

    def __init__(
        self,
        *,
        project_id: str | None = None,
        base_url: str | None = None,
        http_timeout_s: float = 30.0,
        app: firebase_admin.App | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._retry = retry or RetryPolicy()
        self._owns_app = app is None
        if app is None:
            if project_id is None or base_url is None:
                raise ValueError("without a Firebase app, FcmSender needs project_id and a local base_url")
            # A static credential that never calls Google: only meant for a local FCM-compatible server.
            options = {"projectId": project_id, "httpTimeout": http_timeout_s}
            with _build_lock:
                app = firebase_admin.initialize_app(
                    OfflineCredential(), options, name=f"hamqadam-fcm-{next(_app_numbers)}"
                )
        self._app = app
        self._service = messaging._get_messaging_service(app)
        missing = [
            name for name in (*SERVICE_ATTRIBUTES, ASYNC_CLIENT_ATTRIBUTE) if not hasattr(self._service, name)
        ]
        if missing:
            raise RuntimeError(
                f"firebase-admin {firebase_admin.__version__} has no messaging {', '.join(missing)}: "
                "FcmSender must be updated before it can point FCM at base_url or close cleanly"
            )
        # firebase-admin 7.7's async client retries a 500 or 503 itself but drops the refused response
        # without closing it, so each retry keeps one of its pool's 100 connections: after about a hundred
        # refusals (an FCM outage) every send waits for a connection for ever. This client retries no
        # status; the sender's RetryPolicy and the delivery's retry batches retry 5xx instead.
        timeout = app.options.get("httpTimeout", _http_client.DEFAULT_TIMEOUT_SECONDS)
        self._service._async_client = _http_client.HttpxAsyncClient(
            credential=self._service._credential,
            timeout=timeout,
            retry_config=HttpxRetry(status_forcelist=[]),
        )
        if base_url is not None:
            root = f"{base_url.rstrip('/')}/v1/projects/{app.project_id}"
            self._service._fcm_url = f"{root}/messages:send"
            self._service._fcm_topic_url = f"{root}/registrations"

    @property
    def app(self) -> firebase_admin.App:
        return self._app

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[SendOutcome]:
        """One outcome per message, in order; at most MAX_BATCH messages per send_each_async call."""
        outcomes: list[SendOutcome] = []
        for start in range(0, len(messages), MAX_BATCH):
            outcomes.extend(await self._send_batch(messages[start : start + MAX_BATCH]))
        return outcomes

    async def _send_batch(self, messages: Sequence[OutgoingMessage]) -> list[SendOutcome]:
        outcomes: list[SendOutcome | None] = [None] * len(messages)
        prepared: dict[int, messaging.Message] = {}
        for index, message in enumerate(messages):
            fcm_message = to_fcm(message)
            # The SDK validates while encoding, for the whole batch at once: one bad message would sink it.
            try:
                encode(fcm_message)
            except ValueError:
                outcomes[index] = SendOutcome(OutcomeKind.INVALID_PAYLOAD, code="REFUSED_BY_SDK", attempts=0)
                continue
            prepared[index] = fcm_message
        pending = list(prepared)
        for attempt in range(1, self._retry.max_attempts + 1):
            if not pending:
                break
            batch = await messaging.send_each_async([prepared[i] for i in pending], app=self._app)
            retry, wait_s = [], 0.0
            for index, response in zip(pending, batch.responses, strict=True):
                outcome = _classify(response, attempt)
                outcomes[index] = outcome
                if outcome.retryable:
                    retry.append(index)
                    wait_s = max(wait_s, outcome.retry_after_s or 0.0)
            delay_s = max(self._retry.backoff_s(attempt), wait_s)
            if not retry or attempt == self._retry.max_attempts or delay_s > self._retry.max_wait_s:
                break
            await asyncio.sleep(delay_s)
            pending = retry
        return [outcome for outcome in outcomes if outcome is not None]

    async def subscribe(self, tokens: Sequence[str], topic: str) -> TopicOutcome:
        """Subscribe tokens to a topic, MAX_TOPIC_BATCH per SDK call."""
        return await self._manage_topic(messaging.subscribe_to_topic_async, tokens, topic)

    async def unsubscribe(self, tokens: Sequence[str], topic: str) -> TopicOutcome:
        """Unsubscribe tokens from a topic, MAX_TOPIC_BATCH per SDK call."""
        return await self._manage_topic(messaging.unsubscribe_from_topic_async, tokens, topic)

    async def _manage_topic(self, call: TopicCall, tokens: Sequence[str], topic: str) -> TopicOutcome:
        succeeded, errors = 0, {}
        for start in range(0, len(tokens), MAX_TOPIC_BATCH):
            chunk = list(tokens[start : start + MAX_TOPIC_BATCH])
            response = await call(chunk, topic, app=self._app)
            succeeded += response.success_count
            errors.update({chunk[error.index]: str(error.reason) for error in response.errors})
        return TopicOutcome(succeeded, errors)

    async def close(self) -> None:
        """Close the app's FCM async client on this loop (the sender owns it), then delete an app it made."""
        await getattr(self._service, ASYNC_CLIENT_ATTRIBUTE).aclose()
        if self._owns_app:
            await asyncio.to_thread(firebase_admin.delete_app, self._app)


def _classify(response: messaging.SendResponse, attempt: int) -> SendOutcome:
    if response.success:
        return SendOutcome(OutcomeKind.SENT, message_id=response.message_id, attempts=attempt)
    error = response.exception
    if isinstance(error, messaging.UnregisteredError):
        return SendOutcome(OutcomeKind.UNREGISTERED, code="UNREGISTERED", attempts=attempt)
    if isinstance(error, messaging.SenderIdMismatchError):
        return SendOutcome(OutcomeKind.SENDER_MISMATCH, code="SENDER_ID_MISMATCH", attempts=attempt)
    if isinstance(error, exceptions.InvalidArgumentError):
        kind = OutcomeKind.INVALID_TOKEN if _says_token_invalid(error) else OutcomeKind.INVALID_PAYLOAD
        return SendOutcome(kind, code="INVALID_ARGUMENT", attempts=attempt)
    code = _code(error)
    if isinstance(error, _RETRYABLE) or _never_left(error):
        return SendOutcome(
            OutcomeKind.FAILED,
            code=code,
            retryable=True,
            attempts=attempt,
            retry_after_s=_retry_after_s(error),
        )
    return SendOutcome(OutcomeKind.FAILED, code=code, attempts=attempt)


def _never_left(error: Any) -> bool:
    # A deadline spent waiting for a connection means the message never reached FCM (500 requests share
    # the SDK's 100 connections): unlike a read timeout, sending it again cannot show it twice.
    cause = getattr(error, "cause", None)
    return isinstance(error, exceptions.DeadlineExceededError) and isinstance(
        cause, httpx.PoolTimeout | httpx.ConnectTimeout
    )


def _code(error: Any) -> str:
    if isinstance(error, messaging.QuotaExceededError):
        return "QUOTA_EXCEEDED"
    if isinstance(error, messaging.ThirdPartyAuthError):
        return "THIRD_PARTY_AUTH_ERROR"
    return str(getattr(error, "code", None) or "UNKNOWN")


def _says_token_invalid(error: exceptions.InvalidArgumentError) -> bool:
    # FCM has no FcmError code for a malformed token: today's answer says so in its message; an older form
    # (firebase-admin-python#187) has a generic message and a BadRequest field violation on message.token.
    if _INVALID_TOKEN_DETAIL in str(error).lower():
        return True
    try:
        details = json.loads(error.http_response.content)["error"].get("details", [])
    except (AttributeError, KeyError, TypeError, ValueError):
        return False
    return any(
        violation.get("field") == "message.token"
        for detail in details
        if isinstance(detail, dict)
        for violation in detail.get("fieldViolations", [])
        if isinstance(violation, dict)
    )


def _retry_after_s(error: exceptions.FirebaseError) -> float | None:
    response = error.http_response
    header = None if response is None else response.headers.get("Retry-After")
    if not header:
        return None
    if header.strip().isdigit():
        return float(header)
    when = email.utils.parsedate_tz(header)
    return None if when is None else max(0.0, email.utils.mktime_tz(when) - time.time())
