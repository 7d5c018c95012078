"""Writes as phones make them, for the fault runs (fault_bench.py): sign-ups, device registrations,
check-ins, poll answers and field officers' event batches, each recorded by the checker when the API
acknowledged it (a 2xx). Afterwards the checker looks every acknowledged write up in the database.

The timeline counts answers per second by status (0: no answer: refused, reset or timed out), so a run
shows the 503s while a fault lasts and when writes are acknowledged again.
"""

import asyncio
import random
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pymongo import MongoClient
from pymongo.database import Database

from scripts.bench.youth_data import signup_body
from scripts.token_issuer import sign_as


@dataclass
class Checker:
    """Every acknowledged write, by kind: what must be in the database afterwards."""

    acknowledged: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: str, identity: Any) -> None:
        self.acknowledged[kind].append(identity)

    def missing(self, uri: str, database_name: str) -> dict[str, list[Any]]:
        """The acknowledged writes not found, by kind (empty lists when none is lost)."""
        client: MongoClient[dict[str, Any]]
        with MongoClient(uri, uuidRepresentation="standard") as client:
            db: Database[dict[str, Any]] = client[database_name]

            def absent(collection: str, keys: list[dict[str, Any]]) -> list[Any]:
                return [key for key in keys if db[collection].find_one(key, {"_id": 1}) is None]

            acknowledged = self.acknowledged
            return {
                "sign-up": absent("youth_profiles", [{"_id": uid} for uid in acknowledged["sign-up"]]),
                "device": absent("youth_devices", [{"uid": uid} for uid in acknowledged["device"]]),
                "check-in": absent(
                    "event_attendance", [{"event_id": e, "uid": u} for e, u in acknowledged["check-in"]]
                ),
                "poll answer": absent(
                    "poll_answers", [{"poll": p, "uid": u} for p, u in acknowledged["poll answer"]]
                ),
                "event": absent("events", [{"_id": event_id} for event_id in acknowledged["event"]]),
            }


@dataclass
class Timeline:
    """Answers per second of the run, by status."""

    began: float = field(default_factory=time.monotonic)
    seconds: dict[int, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))

    def note(self, status: int) -> None:
        self.seconds[int(time.monotonic() - self.began)][status] += 1

    def lines(self, every_s: int = 5) -> list[str]:
        """One line per `every_s` seconds: the statuses seen then."""
        last = max(self.seconds, default=0)
        lines = []
        for start in range(0, last + 1, every_s):
            total: Counter[int] = Counter()
            for second in range(start, start + every_s):
                total.update(self.seconds.get(second, Counter()))
            shown = ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(total.items()))
            lines.append(f"    {start:4d}-{start + every_s:<4d}s  {shown}")
        return lines


@dataclass
class Phones:
    """Writers sharing one connection pool; `people` is the load stack's data file, loaded."""

    base: str
    people: dict[str, Any]
    checker: Checker = field(default_factory=Checker)
    timeline: Timeline = field(default_factory=Timeline)
    rng: random.Random = field(default_factory=lambda: random.Random(22))  # noqa: S311 - not secrets

    async def run(self, *, writers: int, seconds: float, pause_s: float = 0.05) -> None:
        limits = httpx.Limits(max_connections=writers, max_keepalive_connections=writers)
        async with httpx.AsyncClient(base_url=self.base, timeout=10, limits=limits) as http:
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(self._writer(http, deadline, pause_s) for _ in range(writers)))

    async def _writer(self, http: httpx.AsyncClient, deadline: float, pause_s: float) -> None:
        actions = [self._sign_up, self._device, self._check_in, self._answer, self._plan_events]
        while time.monotonic() < deadline:
            await self.rng.choice(actions)(http)
            await asyncio.sleep(pause_s)

    async def _send(self, http: httpx.AsyncClient, method: str, path: str, token: str, body: Any) -> bool:
        try:
            answer = await http.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
            status = answer.status_code
        except httpx.HTTPError:
            status = 0
        self.timeline.note(status)
        return 200 <= status < 300

    def _person(self) -> dict[str, str]:
        person: dict[str, str] = self.rng.choice(self.people["youth"])
        return person

    async def _sign_up(self, http: httpx.AsyncClient) -> None:
        uid = f"fault-{uuid.uuid4().hex}"
        if await self._send(
            http, "POST", "/v1/youth/signup", sign_as(self.people["signer"], uid), signup_body()
        ):
            self.checker.add("sign-up", uid)

    async def _device(self, http: httpx.AsyncClient) -> None:
        person = self._person()
        body = {
            "fcm_token": f"fault-{uuid.uuid4().hex}" * 2,
            "platform": "android",
            "app_version": "1.4.0",
            "locale": "ur",
        }
        if await self._send(http, "PUT", "/v1/youth/me/devices", person["token"], body):
            self.checker.add("device", person["uid"])

    async def _check_in(self, http: httpx.AsyncClient) -> None:
        person = self._person()
        body = {"code": self.people["checkin_code"]}
        if await self._send(http, "POST", "/v1/youth/checkins", person["token"], body):
            self.checker.add("check-in", (self.people["event_id"], person["uid"]))

    async def _answer(self, http: httpx.AsyncClient) -> None:
        person = self._person()
        answers = [
            {"question": "q1", "choice": f"o{self.rng.randint(1, 3)}"},
            {"question": "q2", "rating": 3},
        ]
        path = f"/v1/polls/{self.people['poll_id']}/answers"
        if await self._send(http, "PUT", path, person["token"], {"answers": answers}):
            self.checker.add("poll answer", (self.people["poll_id"], person["uid"]))

    async def _plan_events(self, http: httpx.AsyncClient) -> None:
        starts = datetime.now(UTC) + timedelta(days=2)
        ids = [str(uuid.uuid4()) for _ in range(3)]
        plan = {
            "kind": "awareness_session", "title": "Fault run session", "topics": ["legal_migration"],
            "district": "lahore", "constituency": "NA-120", "venue_name": "Hall", "expected_turnout": 30,
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        }  # fmt: skip
        body = {"items": [{"id": event_id, "event": plan} for event_id in ids]}
        try:
            answer = await http.post(
                "/v1/events/batch",
                json=body,
                headers={"Authorization": f"Bearer {self.people['staff']['officer']}"},
            )
        except httpx.HTTPError:
            self.timeline.note(0)
            return
        self.timeline.note(answer.status_code)
        if answer.is_success:
            # A batch answers per item: only the items it says were stored are acknowledged.
            for result in answer.json()["results"]:
                if result["status"] in (200, 201):
                    self.checker.add("event", result["id"])
