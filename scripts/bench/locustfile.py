"""Locust users for the load benchmark (run by scripts/bench/load_bench.py, not by hand): a mix by role as
the app and the console make it, with real signed ID tokens from LOAD_PEOPLE (load_stack.people()).

Young people sync content, read their inbox, sign up, register a device, check in at the live event, open
the campaign's alert and answer the open poll; field officers plan events in batches, list them and report
turnout; supervisors review reports; MPs read their seat's dashboard and brief; editors preview campaign
audiences, list and publish content. Each request is named by its route template, so the figures are
per route. `RouteUser` instead calls one route (LOAD_ROUTE, as LOAD_ROLE) as fast as it can: the
32-connection comparisons with the no-database floor (`/healthz`).
"""

import json
import os
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant, constant_throughput, task
from locust.exception import RescheduleTask

from scripts.bench.youth_data import signup_body
from scripts.token_issuer import sign_as

PICK = random.Random()  # noqa: S311 - who calls what in a load run, not a secret
PEOPLE: dict[str, Any] = (
    json.loads(Path(os.environ["LOAD_PEOPLE"]).read_text()) if "LOAD_PEOPLE" in os.environ else {}
)
# Tasks per second of each mixed user: the rate is users x this (load_bench.py chooses the users).
PACE = constant_throughput(float(os.environ.get("LOAD_TASKS_PER_USER_S", "0.5")))
HELD = {
    "outcome": "held",
    "turnout": {
        "total": 30,
        "by_gender": {"female": 14, "male": 15, "transgender": 0, "prefer_not_to_say": 1},
        "by_age": {"under_15": 0, "age_15_19": 12, "age_20_24": 10, "age_25_29": 8, "age_30_plus": 0},
    },
}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class _Caller(FastHttpUser):
    abstract = True
    wait_time = PACE
    # One keep-alive connection per user, as a phone holds one.
    concurrency = 1
    role = ""

    def on_start(self) -> None:
        self.headers = _bearer(PEOPLE["staff"][self.role]) if self.role else {}


class YoungPerson(_Caller):
    weight = 20

    def on_start(self) -> None:
        person = PICK.choice(PEOPLE["youth"])
        self.headers = _bearer(person["token"])
        self.cursor = self._sync_all()

    def _sync_all(self) -> str:
        """A phone's first sync: every page, 20 items each."""
        cursor = None
        while True:
            params = {"lang": "ur", "limit": "20"} | ({"since": cursor} if cursor else {})
            page = self.client.get("/v1/content/sync", params=params, name="/v1/content/sync (first)").json()
            cursor = page["cursor"]
            if not page["has_more"]:
                return str(cursor)

    @task(2)
    def first_sync_page(self) -> None:
        self.client.get("/v1/content/sync?lang=ur&limit=20", name="/v1/content/sync (first)")

    @task(6)
    def sync_again(self) -> None:
        page = self.client.get(
            "/v1/content/sync", params={"lang": "ur", "limit": "20", "since": self.cursor},
            name="/v1/content/sync (since)",
        ).json()  # fmt: skip
        self.cursor = page["cursor"]

    @task(5)
    def inbox(self) -> None:
        self.client.get("/v1/me/notifications", headers=self.headers)

    @task(2)
    def profile(self) -> None:
        self.client.get("/v1/youth/me", headers=self.headers)

    @task(1)
    def device(self) -> None:
        body = {
            "fcm_token": "load-" + "t" * 40,
            "platform": "android",
            "app_version": "1.4.0",
            "locale": "ur",
        }
        self.client.put("/v1/youth/me/devices", json=body, headers=self.headers)

    @task(1)
    def check_in(self) -> None:
        self.client.post("/v1/youth/checkins", json={"code": PEOPLE["checkin_code"]}, headers=self.headers)

    @task(1)
    def open_alert(self) -> None:
        self.client.post(
            f"/v1/notifications/{PEOPLE['campaign_id']}/opened", headers=self.headers,
            name="/v1/notifications/{notification_id}/opened",
        )  # fmt: skip

    @task(1)
    def answer_poll(self) -> None:
        answers = [{"question": "q1", "choice": f"o{PICK.randint(1, 3)}"}, {"question": "q2", "rating": 4}]
        self.client.put(
            f"/v1/polls/{PEOPLE['poll_id']}/answers", json={"answers": answers}, headers=self.headers,
            name="/v1/polls/{poll_id}/answers",
        )  # fmt: skip

    @task(1)
    def sign_up(self) -> None:
        token = sign_as(PEOPLE["signer"], f"load-new-{uuid.uuid4().hex}")
        self.client.post("/v1/youth/signup", json=signup_body(), headers=_bearer(token))


class FieldOfficer(_Caller):
    weight = 2
    role = "officer"

    def on_start(self) -> None:
        super().on_start()
        self.to_report: list[str] = []

    @task(1)
    def plan_batch(self) -> None:
        starts = datetime.now(UTC) - timedelta(hours=3)
        ids = [str(uuid.uuid4()) for _ in range(3)]
        items = [{"id": event_id, "event": _plan(starts)} for event_id in ids]
        self.client.post("/v1/events/batch", json={"items": items}, headers=self.headers)
        self.to_report.extend(ids)

    @task(6)
    def list_events(self) -> None:
        self.client.get("/v1/events?limit=50", headers=self.headers, name="/v1/events")

    @task(2)
    def report(self) -> None:
        if not self.to_report:
            raise RescheduleTask()
        self.client.put(
            f"/v1/events/{self.to_report.pop()}/report", json=HELD, headers=self.headers,
            name="/v1/events/{event_id}/report",
        )  # fmt: skip


class Supervisor(_Caller):
    weight = 1
    role = "supervisor"

    @task(3)
    def queue(self) -> None:
        self.client.get(
            "/v1/events?review=pending&limit=50", headers=self.headers, name="/v1/events (pending)"
        )

    @task(1)
    def review(self) -> None:
        pending = self.client.get(
            "/v1/events?review=pending&limit=20", headers=self.headers, name="/v1/events (pending)"
        ).json()["items"]
        if not pending:
            return
        with self.client.put(
            f"/v1/events/{PICK.choice(pending)['id']}/review", json={"decision": "approve"},
            headers=self.headers, name="/v1/events/{event_id}/review", catch_response=True,
        ) as answer:  # fmt: skip
            if answer.status_code == 409:
                answer.success()  # another supervisor's tap got there first: the answer a phone expects


class MemberOfParliament(_Caller):
    weight = 2
    role = "mp"

    @task(4)
    def dashboard(self) -> None:
        self.client.get(
            f"/v1/turnout/constituencies/{PEOPLE['seat']}", headers=self.headers,
            name="/v1/turnout/constituencies/{code}",
        )  # fmt: skip

    @task(1)
    def brief(self) -> None:
        self.client.get(
            f"/v1/turnout/constituencies/{PEOPLE['seat']}/brief", headers=self.headers,
            name="/v1/turnout/constituencies/{code}/brief",
        )  # fmt: skip

    @task(1)
    def me(self) -> None:
        self.client.get("/v1/me", headers=self.headers)


class Editor(_Caller):
    weight = 1
    role = "editor"

    @task(3)
    def preview(self) -> None:
        self.client.post(
            "/v1/editorial/campaigns/preview?priority=normal", json={"districts": ["lahore"]},
            headers=self.headers, name="/v1/editorial/campaigns/preview",
        )  # fmt: skip

    @task(2)
    def working_copies(self) -> None:
        self.client.get("/v1/editorial/content?limit=50", headers=self.headers, name="/v1/editorial/content")

    @task(1)
    def publish(self) -> None:
        path = f"/v1/editorial/content/{uuid.uuid4()}"
        template = "/v1/editorial/content/{item_id}"
        self.client.put(path, json=_article(), headers=self.headers, name=template)
        self.client.post(f"{path}/submit", headers=self.headers, name=template + "/submit")
        self.client.post(f"{path}/publish", headers=self.headers, name=template + "/publish")


class RouteUser(FastHttpUser):
    """LOAD_ROUTE as LOAD_ROLE ("youth", a staff name, or "" for none), back to back."""

    wait_time = constant(0)
    concurrency = 1

    def on_start(self) -> None:
        role = os.environ.get("LOAD_ROLE", "")
        token = PEOPLE["youth"][0]["token"] if role == "youth" else PEOPLE["staff"].get(role)
        self.headers = _bearer(token) if token else {}
        self.path = os.environ["LOAD_ROUTE"].format(seat=PEOPLE.get("seat", ""))

    @task
    def call(self) -> None:
        self.client.get(self.path, headers=self.headers)


def _plan(starts: datetime) -> dict[str, Any]:
    return {
        "kind": "awareness_session",
        "title": "Load session",
        "topics": ["legal_migration"],
        "district": "lahore",
        "constituency": "NA-120",
        "venue_name": "Community hall",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "expected_turnout": 40,
    }


def _article() -> dict[str, Any]:
    urdu = {
        "title": "لائسنس چیک کریں",
        "summary": "پیسے دینے سے پہلے لائسنس دیکھیں۔",
        "body": "## لائسنس\n\nہر **ریکروٹر** کے پاس لائسنس ہونا چاہیے۔",
    }
    english = {
        "title": "Check the licence",
        "summary": "Look at the licence before you pay.",
        "body": "## Licence\n\nEvery **recruiter** needs one.",
    }
    return {"kind": "article", "topics": ["recruiter_check"], "translations": {"ur": urdu, "en": english}}
