"""The local FCM server itself: as a process for development, its legacy IID endpoints, its refusals."""

import asyncio
import json
import signal
import time
from pathlib import Path

import httpx

from backend.alerts.push.fcm import FcmSender
from backend.alerts.push.messages import OutgoingMessage
from scripts.engine import free_port
from scripts.fake_fcm import FakeFcm
from tests.fixtures.fcm import PROJECT
from tests.fixtures.processes import start_script


async def _send_two(base_url: str) -> None:
    sender = FcmSender(project_id=PROJECT, base_url=base_url)
    try:
        await sender.send(
            [
                OutgoingMessage(title="Visa <fraud>", body="Do not pay agents.", token="phone-1"),
                OutgoingMessage(title="سیلاب", body="اونچی جگہ پر جائیں۔", topic="pk-sindh-ur"),
            ]
        )
    finally:
        await sender.close()


def test_the_process_logs_and_lists_what_each_phone_received(tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "fcm.jsonl"
    server = start_script("scripts.fake_fcm", "--port", str(port), "--log", str(log))
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            try:
                httpx.get(base_url, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        # Its own loop: this test runs outside the session's, like the API process would.
        asyncio.run(_send_two(base_url))
        page = httpx.get(base_url, timeout=5).text
        listed = httpx.get(f"{base_url}/received", timeout=5).json()
        sent = httpx.get(f"{base_url}/sent", timeout=5).json()
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, output
    assert "Visa &lt;fraud&gt;" in page
    assert "سیلاب" in page
    # send_each sends the two at once: they may arrive in either order.
    assert sorted(entry["token"] or entry["topic"] for entry in listed) == ["phone-1", "pk-sindh-ur"]
    assert sent == {"messages": 1}  # to a token; the topic message is not one phone's
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert sorted((line["to"], line["message"]["notification"]["title"]) for line in lines) == [
        ("/topics/pk-sindh-ur", "سیلاب"),
        ("phone-1", "Visa <fraud>"),
    ]
    assert output.rstrip().endswith("fake FCM stopped")


def test_legacy_iid_batch_endpoints_answer_per_token() -> None:
    with FakeFcm() as fcm:
        auth = {"Authorization": "Bearer local"}
        fcm.fail("bad", "INVALID_TOKEN")
        added = httpx.post(
            f"{fcm.base_url}/iid/v1:batchAdd",
            json={"to": "/topics/news", "registration_tokens": ["a", "bad", "b"]},
            headers=auth,
        )
        assert added.json() == {"results": [{}, {"error": "INVALID_TOKEN"}, {}]}
        removed = httpx.post(
            f"{fcm.base_url}/iid/v1:batchRemove",
            json={"to": "/topics/news", "registration_tokens": ["a"]},
            headers=auth,
        )
        assert removed.json() == {"results": [{}]}
        assert fcm.subscribers("news") == {"b"}


def test_a_send_without_a_bearer_token_is_refused() -> None:
    with FakeFcm() as fcm:
        answer = httpx.post(f"{fcm.base_url}/v1/projects/{PROJECT}/messages:send", json={"message": {}})
        assert answer.status_code == 401
        assert fcm.requests() == []


def test_failure_rules_are_set_listed_and_cleared_over_http() -> None:
    with FakeFcm() as fcm:
        rules = f"{fcm.base_url}/rules"
        added = httpx.post(rules, json={"target": "dead", "error": "UNREGISTERED"})
        assert added.status_code == 200, added.text
        httpx.post(rules, json={"target": None, "error": "UNAVAILABLE", "times": 1, "retry_after": 2})
        httpx.post(rules, json={"target": "slow", "delay_s": 0.5})
        listed = httpx.get(rules).json()
        assert [(r["target"], r["error"], r["remaining"]) for r in listed] == [
            ("dead", "UNREGISTERED", None),
            (None, "UNAVAILABLE", 1),
            ("slow", None, None),
        ]
        wrongs: list[object] = [{"error": "NOPE"}, {"times": -1, "error": "INTERNAL"}, {"target": 7}, {}, []]
        for wrong in wrongs:
            refused = httpx.post(rules, json=wrong)
            assert refused.status_code == 400, wrong
        assert httpx.post(rules, content=b"{not json").status_code == 400
        assert httpx.delete(rules).json() == []
        assert fcm.app.snapshot().rules == []


async def test_a_topic_message_reaches_the_phones_in_the_topic_when_it_is_sent(
    fcm: FakeFcm, sender: FcmSender
) -> None:
    await sender.subscribe(["in-1", "in-2"], "floods")
    await sender.send([OutgoingMessage(title="Flood", body="Go to high ground.", topic="floods")])
    await sender.subscribe(["late"], "floods")
    assert [m["notification"]["title"] for m in fcm.received_by("in-1")] == ["Flood"]
    assert fcm.received_by("late") == []
