"""Start and stop the Firebase Auth emulator (npm firebase-tools, installed by scripts/setup.sh)."""

import json
import os
import signal
import subprocess
import time
from functools import cache
from pathlib import Path

import httpx

from scripts.engine import ROOT, free_port

DEMO_PROJECT = "demo-hamqadam"
# Password of the emulator users that dev_users and the tests create; the emulator holds no real accounts.
EMULATOR_PASSWORD = "password-123"  # noqa: S105


@cache
def loopback_client() -> httpx.Client:
    """One HTTP client per process for the emulator's loopback calls (thread-safe).

    A client per call built a TLS context each time (the CA bundle read again, about 25 ms of CPU):
    with a user signed up per test, that was a fifth of the test processes' CPU.
    """
    return httpx.Client(timeout=10, trust_env=False)


def firebase_cli() -> Path:
    cli = ROOT / "tools" / "firebase" / "node_modules" / ".bin" / "firebase"
    if not cli.exists():
        raise FileNotFoundError(f"{cli} is missing: run scripts/setup.sh first")
    return cli


class AuthEmulator:
    """The Auth emulator on 127.0.0.1:`port`, for a `demo-` project (no Google account, no network)."""

    def __init__(self, *, work_dir: Path, port: int, project_id: str = DEMO_PROJECT) -> None:
        if not project_id.startswith("demo-"):
            raise ValueError("the emulator is only run for demo- projects")
        self.work_dir = work_dir.resolve()
        self.port = port
        self.project_id = project_id
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 90.0) -> None:
        """Start the emulator and wait until it answers."""
        self.launch()
        self.wait_until_ready(timeout_s)

    def launch(self) -> None:
        """Start the emulator's process without waiting for it (it takes 10 to 20 s to answer)."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        # The hub and logging ports are chosen freely too, so several emulators (tests, dev) can run at once.
        config = {
            "emulators": {
                "auth": {"host": "127.0.0.1", "port": self.port},
                "ui": {"enabled": False},
                "hub": {"host": "127.0.0.1", "port": free_port()},
                "logging": {"host": "127.0.0.1", "port": free_port()},
                "singleProjectMode": True,
            }
        }
        (self.work_dir / "firebase.json").write_text(json.dumps(config), encoding="utf-8")
        env = {
            **os.environ,
            "CI": "true",
            "NO_UPDATE_NOTIFIER": "1",
            "FIREBASE_CLI_DISABLE_UPDATE_CHECK": "1",
        }
        command = [str(firebase_cli()), "emulators:start", "--only", "auth", "--project", self.project_id]
        log = (self.work_dir / "emulator.log").open("ab")
        self._process = subprocess.Popen(
            command, cwd=self.work_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_until_ready(self, timeout_s: float = 90.0) -> None:
        """Wait until the emulator answers; raise if it does not. One this object launched is stopped
        then, and its exit is noticed at once; one launched by another process is only waited for."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"the Auth emulator exited:\n{self._log_tail()}")
            try:
                loopback_client().get(f"http://{self.host}/", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.25)
        self.stop()
        raise TimeoutError(f"the Auth emulator did not answer within {timeout_s}s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        log = self.work_dir / "emulator.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-20:]) if log.exists() else "(no log)"

    def stop(self, timeout_s: float = 15.0) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    @property
    def users(self) -> "EmulatorUsers":
        return EmulatorUsers(host=self.host, project_id=self.project_id)


class EmulatorUsers:
    """The Auth emulator's REST API: users and their ID tokens, for development and tests."""

    def __init__(self, *, host: str, project_id: str) -> None:
        self.host = host
        self.project_id = project_id

    def _url(self, path: str) -> str:
        return f"http://{self.host}/identitytoolkit.googleapis.com/v1/{path}?key=fake-api-key"

    def sign_up(self, email: str, password: str = EMULATOR_PASSWORD) -> tuple[str, str]:
        """Create a user (or sign in if it exists); returns (uid, ID token)."""
        body = {"email": email, "password": password, "returnSecureToken": True}
        response = loopback_client().post(self._url("accounts:signUp"), json=body)
        if response.status_code == 400 and "EMAIL_EXISTS" in response.text:
            return self.sign_in(email, password)
        response.raise_for_status()
        data = response.json()
        return data["localId"], data["idToken"]

    def sign_up_as(self, uid: str, email: str, password: str = EMULATOR_PASSWORD) -> tuple[str, str]:
        """Create a user with the uid `uid` (or sign in if the e-mail exists); returns (uid, ID token).

        A fixed uid outlives the emulator: after a restart the same person signs up again as the same uid,
        so their account (and its roles) in the database is theirs again.
        """
        body = {"localId": uid, "email": email, "password": password}
        url = f"http://{self.host}/identitytoolkit.googleapis.com/v1/projects/{self.project_id}/accounts"
        response = loopback_client().post(url, json=body, headers={"Authorization": "Bearer owner"})
        if response.status_code == 400 and ("EMAIL_EXISTS" in response.text or "DUPLICATE" in response.text):
            return self.sign_in(email, password)
        response.raise_for_status()
        return self.sign_in(email, password)

    def sign_in(self, email: str, password: str = EMULATOR_PASSWORD) -> tuple[str, str]:
        body = {"email": email, "password": password, "returnSecureToken": True}
        response = loopback_client().post(self._url("accounts:signInWithPassword"), json=body)
        response.raise_for_status()
        data = response.json()
        return data["localId"], data["idToken"]
