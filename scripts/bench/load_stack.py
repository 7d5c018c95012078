"""The stack the load benchmark drives: the embedded engine (or MONGODB_URI), a local token signer whose
certificate the API fetches (real signed ID tokens, verified the production way), the local FCM server,
the seed and the demo, and the API as `uvicorn --workers N` on uvloop and httptools, as the image runs it.

`people()` writes what the Locust users need: signed tokens per role, the live event's check-in code,
the sent campaign, an open poll, the MP's seat, and the signing key (sign-ups make new people).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
from pymongo import MongoClient
from pymongo.database import Database

from backend.core.settings import Settings
from schemas.accounts import Role
from scripts.bench.voice_bench import poll_body
from scripts.bench.youth_data import store_event
from scripts.dev_server import load_demo, seed, start_fake_fcm
from scripts.engine import ROOT, EmbeddedEngine, free_port
from scripts.token_issuer import TokenIssuer

PROJECT = "demo-hamqadam-load"
SEAT = "NA-120"  # the demo's MP seat, with events, check-ins, questions
STAFF: dict[str, dict[str, Any]] = {
    "officer": {"roles": [Role.FIELD_OFFICER], "districts": ["lahore"]},
    "supervisor": {"roles": [Role.SUPERVISOR], "districts": ["lahore", "kasur", "okara"]},
    "mp": {"roles": [Role.MP], "constituency": SEAT},
    "editor": {"roles": [Role.EDITOR]},
    "second_editor": {"roles": [Role.EDITOR]},
}


class LoadStack:
    """Everything the load runs against; `with LoadStack(processes=2) as stack:` starts it all."""

    def __init__(self, *, processes: int, heap_mb: int = 4096, data_dir: Path | None = None) -> None:
        """`data_dir`: keep the embedded engine's data in a file there (it survives the engine's restart),
        instead of in memory."""
        self.processes = processes
        self._folder = tempfile.TemporaryDirectory(prefix="hamqadam-load-")
        self.folder = Path(self._folder.name)
        self.api_port = free_port()
        self.base = f"http://127.0.0.1:{self.api_port}"
        self.engine: EmbeddedEngine | None = None
        uri = os.environ.get("MONGODB_URI")
        if not uri:
            self.engine = EmbeddedEngine(
                port=free_port(),
                log_path=self.folder / "engine.log",
                heap_mb=heap_mb,
                storage="file" if data_dir else "memory",
                data_path=data_dir / "engine.mv.db" if data_dir else None,
                restart_after_store_failure=True,
            )
            uri = self.engine.uri
        self.issuer = TokenIssuer(PROJECT)
        fcm_port = free_port()
        self.environment = {
            "ENVIRONMENT": "test",
            "MONGODB_URI": uri,
            "MONGODB_DATABASE": f"load_{uuid.uuid4().hex[:8]}",
            "FIREBASE_PROJECT_ID": PROJECT,
            "FIREBASE_ID_TOKEN_CERT_URL": self.issuer.cert_url,
            "FIREBASE_AUTH_API_URL": self.issuer.api_url,
            "FCM_BASE_URL": f"http://127.0.0.1:{fcm_port}",
            "CHECKIN_SIGNING_KEY": "load-bench-signing-key-" + "l" * 32,
            "FIGURES_KEY_SECRET": "load-bench figures key secret, " + "l" * 32,
            "LOG_LEVEL": "WARNING",
            # One machine plays every phone: the per-address limits would refuse most of them.
            "RATE_LIMITING": "false",
        }
        self._fcm_port = fcm_port
        self._fcm: subprocess.Popen[bytes] | None = None
        self._api: subprocess.Popen[bytes] | None = None

    @property
    def settings(self) -> Settings:
        return Settings(**{name.lower(): value for name, value in self.environment.items()})  # type: ignore[arg-type]

    def __enter__(self) -> "LoadStack":
        if self.engine is not None:
            self.engine.start()
        self._fcm = start_fake_fcm(self._fcm_port, self.folder / "fcm.log")
        print("seeding: geography, content, the demo ...", flush=True)
        seed(self.settings)
        load_demo(self.settings)
        self.start_api()
        return self

    def start_api(self) -> None:
        """uvicorn with `processes` workers, as the image's command; returns once it answers /readyz."""
        command = [
            sys.executable, "-m", "uvicorn", "backend.main:app", "--host", "127.0.0.1",
            "--port", str(self.api_port), "--workers", str(self.processes), "--no-access-log",
            "--loop", "uvloop", "--http", "httptools",
        ]  # fmt: skip
        log = (self.folder / "api.log").open("ab")
        self._api = subprocess.Popen(
            command, cwd=ROOT, env=os.environ | self.environment, stdout=log, stderr=subprocess.STDOUT
        )
        self.wait_until_ready()

    def wait_until_ready(self, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the API did not get ready; see {self.folder / 'api.log'}")

    def workers(self) -> list[psutil.Process]:
        """The API's worker processes (with one, uvicorn serves in its own process)."""
        assert self._api is not None
        supervisor = psutil.Process(self._api.pid)
        # multiprocessing's resource tracker is a child too, but serves no requests.
        workers = [p for p in supervisor.children() if "resource_tracker" not in " ".join(p.cmdline())]
        return workers or [supervisor]

    def memory_mb(self) -> dict[str, float]:
        """Resident memory of each API worker and of the engine, in MiB."""
        found = {f"api worker {n + 1}": w.memory_info().rss / 2**20 for n, w in enumerate(self.workers())}
        if self.engine is not None and self.engine.pid is not None:
            found["engine"] = psutil.Process(self.engine.pid).memory_info().rss / 2**20
        return found

    def people(self, *, youth: int = 300) -> Path:
        """Staff accounts and a live event stored, a poll opened through the API; the Locust data file."""
        now = datetime.now(UTC)
        client: MongoClient[dict[str, Any]]
        with MongoClient(self.environment["MONGODB_URI"], tz_aware=True) as client:
            database: Database[dict[str, Any]] = client[self.environment["MONGODB_DATABASE"]]
            for name, scope in STAFF.items():
                database["accounts"].update_one(
                    {"_id": f"load-{name}"},
                    {"$setOnInsert": {"roles": [], "districts": [], "constituency": None} | scope
                     | {"email": f"{name}@load.example", "created_at": now, "updated_at": now, "version": 1,
                        "disabled": False, "claims_synced": True}},
                    upsert=True,
                )  # fmt: skip
            uids = [p["_id"] for p in database["youth_profiles"].find({"district": "lahore"}, {"_id": 1})][
                :youth
            ]
            # The demo stores profiles alone; a sign-up also gives the account the youth role.
            database["accounts"].insert_many(
                {"_id": uid, "roles": [Role.YOUTH], "districts": [], "constituency": None, "disabled": False,
                 "claims_synced": True, "version": 1, "created_at": now, "updated_at": now}
                for uid in uids
            )  # fmt: skip
            campaign = database["alert_campaigns"].find_one({"status": "sent"}, {"_id": 1}) or {}
        event_id, code = store_event(self.settings)
        tokens = {name: self.issuer.sign(f"load-{name}", email=f"{name}@load.example") for name in STAFF}
        poll = httpx.post(
            f"{self.base}/v1/editorial/polls",
            json=poll_body(now),
            headers={"Authorization": f"Bearer {tokens['editor']}", "Idempotency-Key": "load-poll"},
            timeout=60,
        )
        poll.raise_for_status()
        data = {
            "staff": tokens,
            "youth": [{"uid": uid, "token": self.issuer.sign(uid)} for uid in uids],
            "event_id": event_id,
            "checkin_code": code,
            "campaign_id": campaign.get("_id"),
            "poll_id": poll.json()["id"],
            "seat": SEAT,
            "signer": self.issuer.signer(),
        }
        path = self.folder / "people.json"
        path.write_text(json.dumps(data))
        return path

    def stop_api(self) -> None:
        if self._api is not None and self._api.poll() is None:
            self._api.terminate()
            try:
                self._api.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._api.kill()
                self._api.wait()
        self._api = None

    def __exit__(self, *exc: object) -> None:
        self.stop_api()
        if self._fcm is not None:
            self._fcm.terminate()
            self._fcm.wait(timeout=10)
        if self.engine is not None:
            self.engine.stop()
        self.issuer.close()
        self._folder.cleanup()
