"""Start and stop the embedded engine (FerretDB with SQLite storage) for the dev server and the tests."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

from pymongo import MongoClient
from pymongo.errors import PyMongoError

ROOT = Path(__file__).resolve().parent.parent
FERRETDB_VERSION = os.environ.get("FERRETDB_VERSION", "v1.24.2")


def ferretdb_binary() -> Path:
    """The binary built by scripts/build-ferretdb.sh; a clear error if it is missing."""
    binary = ROOT / "tools" / "ferretdb" / f"ferretdb-{FERRETDB_VERSION}"
    if not binary.is_file():
        raise FileNotFoundError(
            f"{binary} is missing: run scripts/build-ferretdb.sh (or scripts/setup.sh) first"
        )
    return binary


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class FerretDB:
    """One FerretDB process listening on 127.0.0.1:`port`, storing its SQLite files in `data_dir`."""

    def __init__(self, *, data_dir: Path, port: int, log_path: Path | None = None) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self.log_path = log_path or self.data_dir / "ferretdb.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self, timeout_s: float = 30.0) -> None:
        """Start the engine and return once it answers a ping; raises with its log if it does not."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            str(ferretdb_binary()),
            "--handler=sqlite",
            f"--sqlite-url=file:{self.data_dir}/",
            f"--listen-addr=127.0.0.1:{self.port}",
            f"--state-dir={self.data_dir}",
            "--telemetry=disable",
            "--debug-addr=-",
            "--log-level=warn",
        ]
        with self.log_path.open("ab") as log:
            # A session of its own: Ctrl-C in a terminal reaches the API first, which then stops the engine.
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._wait_until_ready(timeout_s)

    def _wait_until_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(
                    f"FerretDB exited with status {self._process.returncode}:\n{self._log_tail()}"
                )
            try:
                client: MongoClient[dict[str, object]]
                with MongoClient(self.uri, serverSelectionTimeoutMS=500, connectTimeoutMS=500) as client:
                    client.admin.command("ping")
                return
            except PyMongoError:
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(
            f"FerretDB did not answer on port {self.port} within {timeout_s}s:\n{self._log_tail()}"
        )

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return "(no log)"

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the engine gracefully (SIGTERM), killing it only if it does not exit in time."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def kill(self) -> None:
        """Kill the engine abruptly, as a crash would (used by the outage test)."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def __enter__(self) -> "FerretDB":
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
