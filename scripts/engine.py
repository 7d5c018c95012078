"""Start and stop the embedded engine (mongo-java-server, our launcher in scripts/engine/) on loopback.

The run command uses file storage under var/; tests use memory storage, one engine per test run.
`scripts/setup.sh` resolves the engine from Maven Central and compiles the launcher into tools/.
"""

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Literal

from pymongo import MongoClient
from pymongo.errors import PyMongoError

ROOT = Path(__file__).resolve().parent.parent
ENGINE_DIR = ROOT / "tools" / "mongo-java-server"
# EmbeddedMongo's exit status when a storage failure closed its file store (a full disk): start it again.
STORE_FAILED = 75
Storage = Literal["memory", "file"]


def engine_classpath() -> str:
    """The launcher's classes and the engine's jars; a clear error when setup has not run."""
    classes, lib = ENGINE_DIR / "classes", ENGINE_DIR / "lib"
    if not (classes / "EmbeddedMongo.class").is_file() or not any(lib.glob("mongo-java-server-core-*.jar")):
        raise FileNotFoundError(f"{ENGINE_DIR} is incomplete: run scripts/setup.sh first")
    return f"{classes}{os.pathsep}{lib}/*"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class EmbeddedEngine:
    """One mongo-java-server process on 127.0.0.1:`port`.

    `storage="file"` keeps one H2 file at `data_path` (committed after every write command);
    `storage="memory"` keeps nothing after exit. `heap_mb` caps the JVM heap (-Xmx). `stock_matching`
    (memory only) drops our launcher's matching patches, for the tests that compare the two.
    `restart_after_store_failure` starts it again whenever a full disk made it stop (file storage).
    """

    def __init__(
        self,
        *,
        port: int,
        storage: Storage = "memory",
        data_path: Path | None = None,
        log_path: Path | None = None,
        heap_mb: int | None = None,
        stock_matching: bool = False,
        restart_after_store_failure: bool = False,
    ) -> None:
        if storage == "file" and data_path is None:
            raise ValueError("file storage needs a data_path")
        if storage == "file" and stock_matching:
            raise ValueError("stock_matching applies to memory storage only")
        self.port = port
        self.storage: Storage = storage
        self.data_path = data_path.resolve() if data_path else None
        default_log = (self.data_path.parent if self.data_path else Path.cwd()) / "engine.log"
        self.log_path = (log_path or default_log).resolve()
        self.heap_mb = heap_mb or int(os.environ.get("ENGINE_HEAP_MB", "2048"))
        self.stock_matching = stock_matching
        self.restart_after_store_failure = restart_after_store_failure
        self._process: subprocess.Popen[bytes] | None = None
        self._wanted = False  # started and not stopped by its owner
        self._lock = threading.RLock()  # the owner's start and stop, and a restart after a failure

    @property
    def pid(self) -> int | None:
        """The engine's process id while it runs."""
        return self._process.pid if self._process is not None and self._process.poll() is None else None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self, timeout_s: float = 30.0) -> None:
        """Start the engine and return once it answers a ping; raises with its log if it does not."""
        with self._lock:
            self._start(timeout_s)

    def _start(self, timeout_s: float) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        command = [
            "java",
            f"-Xmx{self.heap_mb}m",
            "-XX:+UseSerialGC",
            "-cp",
            engine_classpath(),
            "EmbeddedMongo",
            "--storage",
            self.storage,
            "--port",
            str(self.port),
            "--log",
            str(self.log_path),
        ]
        if self.data_path is not None:
            command += ["--data", str(self.data_path)]
        if self.stock_matching:
            command.append("--stock-matching")
        # A session of its own: Ctrl-C in a terminal reaches the API first, which then stops the engine.
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self._wanted = True
        self._wait_until_ready(timeout_s)
        if self.restart_after_store_failure:
            threading.Thread(target=self._restart_after_failure, args=(self._process,), daemon=True).start()

    def _restart_after_failure(self, process: subprocess.Popen[bytes]) -> None:
        """When `process` stops itself because a storage failure (a full disk) closed its file store, start
        the engine again, every two seconds until it stays up: reopened at its last good commit, it serves
        again once there is room (EmbeddedMongo.java, STORE_FAILED)."""
        if process.wait() != STORE_FAILED:
            return
        failed = process
        while True:
            with self._lock:
                if not self._wanted or self._process is not failed:
                    return  # its owner stopped or started it meanwhile
                try:
                    self.start()
                    return
                except (RuntimeError, TimeoutError):
                    failed = self._process  # this attempt did not stay up (no room yet)
            time.sleep(2)

    def _wait_until_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(
                    f"the engine exited with status {self._process.returncode}:\n{self._log_tail()}"
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
            f"the engine did not answer on port {self.port} within {timeout_s}s:\n{self._log_tail()}"
        )

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return "(no log)"

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop the engine cleanly (SIGTERM closes its store), killing it only if it does not exit in time."""
        with self._lock:
            self._stop(timeout_s)

    def _stop(self, timeout_s: float) -> None:
        self._wanted = False
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
        """Kill the engine with SIGKILL, as a crash would (outage and durability tests)."""
        with self._lock:
            self._wanted = False
            process, self._process = self._process, None
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()

    def __enter__(self) -> "EmbeddedEngine":
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
