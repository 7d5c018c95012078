"""The ASGI application of the local FCM server (scripts/fake_fcm.py): HTTP v1 send and topic management.

Errors are answered in FCM v1's shape (google.rpc.Status with an FcmError detail) so that firebase-admin
raises the same exception classes as against Google. A topic message reaches the tokens subscribed to the
topic when it is accepted (`delivered_to`), as FCM's fan-out does. Failure rules (dead tokens, 429, 503,
slowness) are set from Python (`FakeFcm.fail`, `FakeFcm.slow`) or over HTTP (`/rules`), so the same checks
can be made from outside a test suite.
"""

import asyncio
import dataclasses
import html
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.fake_fcm_rules import Rule, error_body, rule_from_json

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
_SEND = re.compile(r"^/v1/projects/(?P<project>[^/]+)/messages:send$")
_TOPIC = re.compile(
    r"^/v1/projects/[^/]+/registrations/(?P<token>[^/]+)/topicSubscriptions(?:/(?P<topic>[^/]+))?$"
)
_LEGACY = re.compile(r"^/iid/v1:batch(?P<op>Add|Remove)$")


@dataclass(frozen=True)
class Received:
    """One request as the fake saw and answered it; times are time.monotonic() in this process."""

    kind: str  # "send", "subscribe" or "unsubscribe"
    token: str | None
    topic: str | None
    message: dict[str, Any] | None
    body_size: int
    status: int
    error: str | None
    message_id: str | None
    arrived: float
    answered: float
    # A topic message: the tokens subscribed to its topic when it was accepted (FCM's fan-out).
    delivered_to: tuple[str, ...] = ()


@dataclass
class _State:
    rules: list[Rule] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    subscriptions: dict[str, set[str]] = field(default_factory=dict)
    in_flight: int = 0
    peak_in_flight: int = 0
    sent: int = 0  # messages accepted for a token, kept as they arrive: a progress count costs nothing


class FakeFcmApp:
    """The ASGI application; thread-safe, since tests read it from another thread than uvicorn's."""

    def __init__(self, log_path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._state = _State()
        self._log_path = log_path
        self._ids = 0

    def add_rule(self, rule: Rule) -> None:
        with self._lock:
            self._state.rules.append(rule)

    def snapshot(self) -> _State:
        with self._lock:
            state = self._state
            subscriptions = {topic: set(tokens) for topic, tokens in state.subscriptions.items()}
            return _State(
                list(state.rules), list(state.received), subscriptions, 0, state.peak_in_flight, state.sent
            )

    def reset(self) -> None:
        with self._lock:
            self._state = _State()

    def clear_rules(self) -> None:
        with self._lock:
            self._state.rules = []

    def tally(self, *, after: float = 0.0) -> dict[str, Any]:
        """Counts over what phones received (sent to their token): how many phones, how many had a message
        more than once, how many would show more than one notification (distinct Android tags), and the
        first message to arrive after the monotonic time `after`."""
        per_phone: dict[str, list[str]] = {}
        first_after: float | None = None
        for r in self.snapshot().received:
            if r.kind != "send" or r.error is not None or r.token is None:
                continue
            tag = (r.message or {}).get("android", {}).get("notification", {}).get("tag")
            per_phone.setdefault(r.token, []).append(str(tag))
            if r.arrived > after and (first_after is None or r.arrived < first_after):
                first_after = r.arrived
        return {
            "messages": sum(len(tags) for tags in per_phone.values()),
            "phones": len(per_phone),
            "received_twice": sum(len(tags) > 1 for tags in per_phone.values()),
            "shown_twice": sum(len(set(tags)) > 1 for tags in per_phone.values()),
            "first_arrival_after": first_after,
        }

    def received_by(self, token: str) -> list[dict[str, Any]]:
        """The messages a phone received, sent to its token or to a topic it was in, in arrival order."""
        return [
            r.message
            for r in self.snapshot().received
            if r.kind == "send"
            and r.error is None
            and r.message is not None
            and (r.token == token or token in r.delivered_to)
        ]

    def in_flight(self) -> int:
        """Requests being answered now (arrived, not yet recorded)."""
        with self._lock:
            return self._state.in_flight

    def _take_rule(self, target: str | None) -> Rule | None:
        with self._lock:
            for rule in self._state.rules:
                if rule.remaining != 0 and rule.target in (None, target):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    return rule
            return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        with self._lock:
            self._state.in_flight += 1
            self._state.peak_in_flight = max(self._state.peak_in_flight, self._state.in_flight)
        try:
            status, payload, headers = await self._handle(scope, body)
        finally:
            with self._lock:
                self._state.in_flight -= 1
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        kind = b"text/html; charset=utf-8" if isinstance(payload, bytes) else b"application/json"
        headers = [(b"content-type", kind), (b"content-length", str(len(raw)).encode()), *headers]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": raw})

    async def _handle(self, scope: Scope, body: bytes) -> tuple[int, Any, list[tuple[bytes, bytes]]]:
        method, path = scope["method"], scope["path"]
        raw_path = scope.get("raw_path", path.encode()).decode().split("?")[0]
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode())
        if method == "GET" and path == "/":
            return 200, self._page(), []
        if method == "GET" and path == "/received":
            return 200, [dataclasses.asdict(r) for r in self.snapshot().received], []
        if path == "/rules":
            return self._rules(method, body)
        if method == "GET" and path == "/sent":  # progress, cheap to ask every second during a large send
            return 200, {"messages": self._state.sent}, []
        if method == "GET" and path == "/tally":
            after = float(query.get("after", ["0"])[0] or 0)
            return 200, self.tally(after=after), []
        headers = dict(scope["headers"])
        if not headers.get(b"authorization", b"").startswith(b"Bearer "):
            return (
                401,
                {"error": {"code": 401, "message": "No bearer token.", "status": "UNAUTHENTICATED"}},
                [],
            )
        if method == "POST" and (match := _SEND.match(raw_path)):
            return await self._send(match["project"], body)
        if match := _TOPIC.match(raw_path):
            token = urllib.parse.unquote(match["token"])
            if method == "POST" and not match["topic"]:
                return await self._topic("subscribe", [token], query.get("topic_name", [""])[0], len(body))
            if method == "DELETE" and match["topic"]:
                topic = urllib.parse.unquote(match["topic"])
                return await self._topic("unsubscribe", [token], topic, len(body))
        if method == "POST" and (match := _LEGACY.match(raw_path)):
            data = json.loads(body or b"{}")
            operation = "subscribe" if match["op"] == "Add" else "unsubscribe"
            topic = str(data.get("to", "")).removeprefix("/topics/")
            tokens = [str(token) for token in data.get("registration_tokens", [])]
            return await self._topic(operation, tokens, topic, len(body), legacy=True)
        return 404, {"error": {"code": 404, "message": "Not found.", "status": "NOT_FOUND"}}, []

    def _rules(self, method: str, body: bytes) -> tuple[int, Any, list[tuple[bytes, bytes]]]:
        if method == "POST":
            try:
                self.add_rule(rule_from_json(json.loads(body or b"null")))
            except ValueError as error:  # json.JSONDecodeError is one too
                return 400, {"error": {"code": 400, "message": str(error), "status": "INVALID_ARGUMENT"}}, []
        elif method == "DELETE":
            self.clear_rules()
        elif method != "GET":
            return 405, {"error": {"code": 405, "message": "GET, POST or DELETE.", "status": "UNKNOWN"}}, []
        return 200, [dataclasses.asdict(rule) for rule in self.snapshot().rules], []

    async def _apply(self, target: str | None) -> tuple[str | None, list[tuple[bytes, bytes]]]:
        rule = self._take_rule(target)
        if rule is None:
            return None, []
        if rule.delay_s:
            await asyncio.sleep(rule.delay_s)
        retry = [(b"retry-after", str(rule.retry_after).encode())] if rule.retry_after is not None else []
        return rule.error, retry

    async def _send(self, project: str, body: bytes) -> tuple[int, Any, list[tuple[bytes, bytes]]]:
        arrived, state = time.monotonic(), self._state
        request = json.loads(body)
        message = request.get("message", {})
        # A device is addressed by its registration token, or by its installation ID (`fid`, newer SDKs).
        token, topic = message.get("token") or message.get("fid"), message.get("topic")
        error, headers = await self._apply(token or topic)
        if error is None and sum(key in message for key in ("token", "fid", "topic", "condition")) != 1:
            error = "INVALID_PAYLOAD"
        status, answer, message_id = 200, {}, None
        if error is None:
            with self._lock:
                self._ids += 1
                message_id = f"projects/{project}/messages/{self._ids}"
            answer = {"name": message_id}
            if not request.get("validate_only"):
                self._log(token or f"/topics/{topic}", message)
        else:
            status, answer = error_body(error)
        answered = time.monotonic()
        reached: tuple[str, ...] = ()
        if topic is not None and error is None and not request.get("validate_only"):
            with self._lock:
                reached = tuple(sorted(state.subscriptions.get(topic, ())))
        received = Received(
            "send", token, topic, message, len(body), status, error, message_id, arrived, answered
        )
        self._record(state, dataclasses.replace(received, delivered_to=reached))
        return status, answer, headers

    async def _topic(
        self, kind: str, tokens: list[str], topic: str, size: int, *, legacy: bool = False
    ) -> tuple[int, Any, list[tuple[bytes, bytes]]]:
        arrived, state = time.monotonic(), self._state
        results: list[dict[str, Any]] = []
        status: int = 200
        answer: dict[str, Any] = {}
        headers: list[tuple[bytes, bytes]] = []
        for token in tokens:
            error, headers = await self._apply(token)
            results.append({"error": error} if error else {})
            if error:
                status, answer = error_body(error)
            else:
                with self._lock:
                    members = state.subscriptions.setdefault(topic, set())
                    members.add(token) if kind == "subscribe" else members.discard(token)
            done = time.monotonic()
            self._record(state, Received(kind, token, topic, None, size, status, error, None, arrived, done))
        if legacy:  # the IID batch API answers 200 with one result per token
            return 200, {"results": results}, []
        return status, answer, headers

    def _record(self, state: _State, received: Received) -> None:
        # Into the state the request arrived in: one still running at a reset does not leak into the next.
        with self._lock:
            state.received.append(received)
            if received.kind == "send" and received.error is None and received.token is not None:
                state.sent += 1

    def _log(self, target: str, message: dict[str, Any]) -> None:
        if self._log_path is None:
            return
        line = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "to": target, "message": message}
        with self._lock, self._log_path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")

    def _page(self) -> bytes:
        rows = []
        for r in reversed(self.snapshot().received[-500:]):
            note = (r.message or {}).get("notification", {})
            data = json.dumps((r.message or {}).get("data", {}), ensure_ascii=False)
            to = r.token or f"/topics/{r.topic} ({len(r.delivered_to)} phones)"
            cells = (r.kind, to, note.get("title", ""), note.get("body", ""), data, r.error or "ok")
            rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        head = "<tr><th>kind</th><th>to</th><th>title</th><th>body</th><th>data</th><th>answer</th></tr>"
        page = "<!doctype html><title>Fake FCM</title><h1>What phones received (newest first)</h1>"
        return f"{page}<table border=1>{head}{''.join(rows)}</table>".encode()
