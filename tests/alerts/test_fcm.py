"""The FCM sender with the real firebase-admin SDK against the local FCM server: the only seam is the URL."""

import asyncio
import itertools
from collections import Counter
from typing import Any, cast

import firebase_admin
import httpx
import pytest
from firebase_admin import exceptions, messaging

from backend.alerts.push.fcm import (
    ASYNC_CLIENT_ATTRIBUTE,
    SERVICE_ATTRIBUTES,
    FcmSender,
    RetryPolicy,
    _classify,
)
from backend.alerts.push.messages import (
    MAX_BATCH,
    OutcomeKind,
    OutgoingMessage,
    payload_limit,
    payload_size,
)
from backend.core.firebase import OfflineCredential
from schemas.alerts import Priority
from scripts.fake_fcm import FakeFcm
from tests.fixtures.fcm import PROJECT


def _to(token: str, **fields: Any) -> OutgoingMessage:
    return OutgoingMessage(title="Flood alert", body="Move to higher ground.", token=token, **fields)


async def test_sdk_still_keeps_the_fcm_urls_where_the_sender_sets_them(fcm: FakeFcm) -> None:
    # If this fails after a firebase-admin upgrade, FcmSender can no longer point FCM at a local server.
    app = firebase_admin.initialize_app(OfflineCredential(), {"projectId": PROJECT}, name="url-check")
    try:
        service = messaging._get_messaging_service(app)
        for name in (*SERVICE_ATTRIBUTES, ASYNC_CLIENT_ATTRIBUTE):
            assert hasattr(service, name), f"firebase-admin {firebase_admin.__version__} moved {name}"
        assert service._fcm_url == f"https://fcm.googleapis.com/v1/projects/{PROJECT}/messages:send"
        assert service._fcm_topic_url == f"https://fcm.googleapis.com/v1/projects/{PROJECT}/registrations"
    finally:
        await asyncio.to_thread(firebase_admin.delete_app, app)
    sender = FcmSender(project_id=PROJECT, base_url=fcm.base_url)
    try:
        [outcome] = await sender.send([_to("url-check")])
        subscribed = await sender.subscribe(["url-check"], "url-topic")
    finally:
        await sender.close()
    assert outcome.kind is OutcomeKind.SENT
    assert subscribed.succeeded == 1
    assert [r.token for r in fcm.requests()] == ["url-check", "url-check"]


@pytest.mark.timeout(120)  # thousands of messages through the SDK
async def test_1001_messages_go_in_three_calls_of_at_most_500_each_exactly_once(
    few_connections: None, fcm: FakeFcm, sender: FcmSender
) -> None:
    # One past two full calls: the third call holds exactly the message beyond the limit.
    tokens = [f"device-{i:04}" for i in range(1001)]
    outcomes = await sender.send([_to(token) for token in tokens])
    assert [o.kind for o in outcomes] == [OutcomeKind.SENT] * 1001
    assert len({o.message_id for o in outcomes}) == 1001
    arrivals = {r.token: r.arrived for r in fcm.requests()}
    assert Counter(r.token for r in fcm.requests()) == Counter(tokens)
    # send_each_async makes one request per message, all at once; the calls follow one another, so every
    # request of a call arrives before any of the next: the three groups show the three calls.
    groups = [tokens[start : start + MAX_BATCH] for start in range(0, 1001, MAX_BATCH)]
    assert [len(group) for group in groups] == [500, 500, 1]
    for earlier, later in itertools.pairwise(groups):
        assert max(arrivals[t] for t in earlier) < min(arrivals[t] for t in later)


async def test_each_fcm_error_has_its_outcome_and_only_dead_tokens_are_removed(
    fcm: FakeFcm, sender: FcmSender
) -> None:
    expected = {
        "UNREGISTERED": ("unregistered", True, False),
        "INVALID_TOKEN": ("invalid_token", True, False),
        "INVALID_TOKEN_FIELD": ("invalid_token", True, False),
        "INVALID_PAYLOAD": ("invalid_payload", False, False),
        "SENDER_ID_MISMATCH": ("sender_mismatch", True, False),
        "QUOTA_EXCEEDED": ("failed:QUOTA_EXCEEDED", False, True),
        "UNAVAILABLE": ("failed:UNAVAILABLE", False, True),
        "INTERNAL": ("failed:INTERNAL", False, True),
    }
    for code in expected:
        fcm.fail(f"token-{code}", code)
    one_try = FcmSender(app=sender.app, retry=RetryPolicy(max_attempts=1))
    # Sent together: the SDK's own retries of 500 and 503 overlap (quick in tests: tests/fixtures/fcm.py).
    outcomes = await one_try.send([_to(f"token-{code}") for code in expected])
    got = {code: (o.status, o.removes_token, o.retryable) for code, o in zip(expected, outcomes, strict=True)}
    assert got == expected


async def test_a_slow_answer_is_a_deadline_failure_not_retried(fcm: FakeFcm) -> None:
    fcm.slow("slow-phone", 3)
    sender = FcmSender(project_id=PROJECT, base_url=fcm.base_url, http_timeout_s=0.5)
    try:
        [outcome] = await sender.send([_to("slow-phone")])
    finally:
        await sender.close()
    # It may have been accepted: sending again could show the alert twice.
    assert (outcome.status, outcome.retryable) == ("failed:DEADLINE_EXCEEDED", False)


async def test_a_batch_goes_out_concurrently_within_the_sdk_connection_pool(
    fcm: FakeFcm, sender: FcmSender
) -> None:
    fcm.slow(None, 0.2)
    outcomes = await sender.send([_to(f"c-{i}") for i in range(150)])
    assert {o.kind for o in outcomes} == {OutcomeKind.SENT}
    assert 1 < fcm.peak_in_flight <= 100  # httpx's default pool: 100 connections


async def test_quota_exceeded_is_retried_after_its_retry_after(fcm: FakeFcm, sender: FcmSender) -> None:
    fcm.fail("busy", "QUOTA_EXCEEDED", times=1, retry_after=1)
    [outcome] = await sender.send([_to("busy")])
    assert (outcome.kind, outcome.attempts) == (OutcomeKind.SENT, 2)
    first, second = fcm.requests()
    assert (first.status, second.status) == (429, 200)
    assert second.arrived - first.answered >= 1.0


async def test_unavailable_twice_then_success_is_sent(fcm: FakeFcm, sender: FcmSender) -> None:
    fcm.fail("flaky", "UNAVAILABLE", times=2)
    [outcome] = await sender.send([_to("flaky")])
    assert outcome.kind is OutcomeKind.SENT
    assert [r.status for r in fcm.requests()] == [503, 503, 200]


async def test_only_the_sender_retries_a_503(fcm: FakeFcm, sender: FcmSender) -> None:
    """The SDK's client retries no status itself (see the pool test below): one request per attempt."""
    fcm.fail("down", "UNAVAILABLE", times=5)
    [outcome] = await sender.send([_to("down")])
    assert (outcome.status, outcome.retryable, outcome.attempts) == ("failed:UNAVAILABLE", True, 3)
    assert [r.status for r in fcm.requests()] == [503] * 3


async def test_persistent_quota_exceeded_is_failed_retryable_after_bounded_attempts(
    fcm: FakeFcm, sender: FcmSender
) -> None:
    fcm.fail("throttled", "QUOTA_EXCEEDED")
    outcomes = await sender.send([_to("throttled"), _to("fine")])
    assert [(o.status, o.retryable, o.attempts) for o in outcomes] == [
        ("failed:QUOTA_EXCEEDED", True, 3),
        ("sent", False, 1),
    ]
    assert Counter(r.token for r in fcm.requests()) == {"throttled": 3, "fine": 1}


async def test_a_long_retry_after_is_handed_back_instead_of_slept(fcm: FakeFcm, sender: FcmSender) -> None:
    fcm.fail("hour", "QUOTA_EXCEEDED", retry_after=3600)
    [outcome] = await sender.send([_to("hour")])
    assert (outcome.status, outcome.retryable, outcome.retry_after_s) == ("failed:QUOTA_EXCEEDED", True, 3600)
    assert len(fcm.requests()) == 1


async def test_a_payload_the_sdk_refuses_fails_alone_and_keeps_its_token(
    fcm: FakeFcm, sender: FcmSender
) -> None:
    bad = _to("bad-data", data=cast(dict[str, str], {"count": 7}))
    outcomes = await sender.send([bad, _to("good")])
    assert [(o.status, o.removes_token) for o in outcomes] == [("invalid_payload", False), ("sent", False)]
    assert [r.token for r in fcm.requests()] == ["good"]


@pytest.mark.timeout(120)  # thousands of messages through the SDK
async def test_topic_subscriptions_reach_fcm_in_chunks_with_the_right_tokens(
    fcm: FakeFcm, sender: FcmSender
) -> None:
    tokens = [f"phone-{i:04}" for i in range(1001)]  # more than the SDK's 1,000 per call
    fcm.fail("phone-0007", "INVALID_TOKEN")
    subscribed = await sender.subscribe(tokens, "pk-punjab-ur")
    assert (subscribed.succeeded, subscribed.errors) == (1000, {"phone-0007": "INVALID_ARGUMENT"})
    assert fcm.subscribers("pk-punjab-ur") == set(tokens) - {"phone-0007"}
    unsubscribed = await sender.unsubscribe(["phone-0001", "phone-0002"], "/topics/pk-punjab-ur")
    assert (unsubscribed.succeeded, unsubscribed.errors) == (2, {})
    assert fcm.subscribers("pk-punjab-ur") == set(tokens) - {"phone-0007", "phone-0001", "phone-0002"}
    removals = [r for r in fcm.requests() if r.kind == "unsubscribe"]
    assert sorted(str(r.token) for r in removals) == ["phone-0001", "phone-0002"]


async def test_payload_size_is_the_size_of_the_body_fcm_receives(fcm: FakeFcm, sender: FcmSender) -> None:
    messages = [
        _to("sized", data={"link": "content/visa-fraud", "lang": "ur"}, collapse_key="c-1", ttl_s=3600),
        OutgoingMessage(title="سیلاب کا انتباہ", body="اونچی جگہ پر جائیں۔", topic="pk-sindh-ur"),
    ]
    await sender.send(messages)
    received = {r.token or r.topic: r.body_size for r in fcm.sent()}
    assert [payload_size(m) for m in messages] == [received["sized"], received["pk-sindh-ur"]]
    assert [payload_limit(m) for m in messages] == [4096, 2048]


@pytest.mark.parametrize(
    ("priority", "android", "apns"),
    [(Priority.NORMAL, "normal", "5"), (Priority.HIGH, "high", "10"), (Priority.EMERGENCY, "high", "10")],
)
async def test_priority_reaches_android_and_apns(
    fcm: FakeFcm, sender: FcmSender, priority: Priority, android: str, apns: str
) -> None:
    await sender.send([_to("p", priority=priority, ttl_s=600, collapse_key="flood")])
    [received] = fcm.sent()
    assert received.message is not None
    # One collapse identity on both platforms: a repeated send replaces the notification already shown.
    assert received.message["android"] == {
        "priority": android,
        "ttl": "600s",
        "collapse_key": "flood",
        "notification": {"tag": "flood"},
    }
    assert received.message["apns"]["headers"]["apns-priority"] == apns
    assert received.message["apns"]["headers"]["apns-collapse-id"] == "flood"


async def test_close_deletes_the_app_the_sender_made(fcm: FakeFcm) -> None:
    sender = FcmSender(project_id=PROJECT, base_url=fcm.base_url)
    name = sender.app.name
    await sender.close()
    with pytest.raises(ValueError, match="does not exist"):
        firebase_admin.get_app(name)


def test_a_sender_without_an_app_needs_a_local_base_url() -> None:
    with pytest.raises(ValueError, match="base_url"):
        FcmSender(project_id=PROJECT)


def test_a_message_that_never_got_a_connection_is_retryable_unlike_a_read_timeout() -> None:
    # Only a pool wait is cheap to provoke deterministically by hand, so this one builds the SDK's error.
    request = httpx.Request("POST", "http://127.0.0.1/")
    waited = exceptions.DeadlineExceededError("timed out", cause=httpx.PoolTimeout("pool", request=request))
    read = exceptions.DeadlineExceededError("timed out", cause=httpx.ReadTimeout("read", request=request))
    outcomes = [_classify(messaging.SendResponse(None, error), 1) for error in (waited, read)]
    assert [(o.status, o.retryable) for o in outcomes] == [
        ("failed:DEADLINE_EXCEEDED", True),
        ("failed:DEADLINE_EXCEEDED", False),
    ]


async def test_a_long_fcm_outage_never_wears_out_the_connection_pool(fcm: FakeFcm, sender: FcmSender) -> None:
    """firebase-admin 7.7's async client drops each retried 503 unclosed, holding a connection of its pool
    of 100 for ever: after about a hundred, every send waited for ever (found by the fault run)."""
    fcm.fail(None, "UNAVAILABLE")
    for _ in range(4):  # far more than a hundred refused requests in all
        outcomes = await asyncio.wait_for(sender.send([_to(f"phone-{n}") for n in range(40)]), timeout=20)
        assert {o.status for o in outcomes} == {"failed:UNAVAILABLE"}
    fcm.app.clear_rules()
    outcomes = await asyncio.wait_for(sender.send([_to("phone-0")]), timeout=20)
    assert [o.status for o in outcomes] == ["sent"]
