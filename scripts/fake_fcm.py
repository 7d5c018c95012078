"""A local FCM-compatible server that records what each phone would have received, for tests and development.

firebase-admin talks to it unchanged once its endpoint URLs point here (backend.alerts.push.fcm.FcmSender).
HTTP/1.1 is enough: httpx uses HTTP/2 on http:// URLs only with prior knowledge, which firebase-admin does
not ask for, so the SDK's async path speaks HTTP/1.1 to a plain uvicorn server.
"""

import argparse
import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import uvicorn

from scripts.fake_fcm_app import FakeFcmApp, Received
from scripts.fake_fcm_rules import ERROR_NAMES, Rule

__all__ = ["ERROR_NAMES", "FakeFcm", "Received", "collapse_identity"]


def collapse_identity(message: dict[str, Any]) -> str:
    """What a phone replaces a shown notification by: Android's tag (the same as iOS's apns-collapse-id);
    a message without one is shown on its own."""
    tag = message.get("android", {}).get("notification", {}).get("tag")
    return str(tag) if tag else f"untagged:{id(message)}"


class FakeFcm:
    """The server on a loopback port, run by uvicorn in a thread: `with FakeFcm() as fcm: fcm.base_url`."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, log_path: Path | None = None) -> None:
        self.app = FakeFcmApp(log_path)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="off", access_log=False, timeout_graceful_shutdown=2
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout_s: float = 10.0) -> None:
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="fake-fcm", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake FCM server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def fail(
        self, target: str | None, error: str, *, times: int | None = None, retry_after: int | None = None
    ) -> None:
        """Answer `error` (one of ERROR_NAMES) to requests for a token or topic (None: all), `times` times."""
        if error not in ERROR_NAMES:
            raise ValueError(f"unknown FCM error {error!r}; one of {sorted(ERROR_NAMES)}")
        self.app.add_rule(Rule(target, error, times, retry_after))

    def slow(self, target: str | None, seconds: float, *, times: int | None = None) -> None:
        """Answer requests for a token or topic (None: all) after `seconds`, `times` times."""
        self.app.add_rule(Rule(target, None, times, delay_s=seconds))

    def reset(self) -> None:
        """Forget every request, rule and subscription."""
        self.app.reset()

    def requests(self) -> list[Received]:
        """Every request answered so far, failures included, in the order they were answered."""
        return self.app.snapshot().received

    def sent(self) -> list[Received]:
        """The messages FCM would have accepted (dry runs included)."""
        return [r for r in self.requests() if r.kind == "send" and r.error is None]

    def received_by(self, token: str) -> list[dict[str, Any]]:
        """The messages a phone received: sent to its token, or to a topic it was in when sent."""
        return self.app.received_by(token)

    def displayed(self, token: str) -> list[str]:
        """The notifications a phone shows: one per collapse identity (Android `tag`) it received."""
        return sorted({collapse_identity(message) for message in self.received_by(token)})

    def subscribers(self, topic: str) -> set[str]:
        """The tokens subscribed to a topic now."""
        return self.app.snapshot().subscriptions.get(topic, set())

    @property
    def in_flight(self) -> int:
        """The requests the server is answering now (a slow answer keeps them in flight)."""
        return self.app.in_flight()

    @property
    def peak_in_flight(self) -> int:
        """The most requests the server was answering at once."""
        return self.app.snapshot().peak_in_flight


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.fake_fcm",
        description=(
            "Serve a local FCM-compatible endpoint (HTTP v1 messages:send, topic subscriptions, legacy IID "
            "batchAdd/batchRemove) that accepts every message and shows what each phone would have "
            "received: GET / lists them, GET /received gives them as JSON, GET /tally counts them per "
            "phone (GET /sent: how many, cheap to poll), and --log appends one JSON "
            'line per message. Failure rules: POST /rules with {"target": token, topic or null for all, '
            '"error": "UNREGISTERED" | "QUOTA_EXCEEDED" | "UNAVAILABLE" | ... or null, "times": n '
            'or null, "retry_after": s, "delay_s": s}; GET /rules lists them, DELETE /rules clears '
            "them. Point the API's FCM base URL at http://HOST:PORT."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9098, help="port (default 9098)")
    parser.add_argument("--log", type=Path, help="file to append each received message to (JSON lines)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the server in the foreground until Ctrl-C."""
    args = _parser().parse_args(argv)
    if args.log is not None:
        args.log.parent.mkdir(parents=True, exist_ok=True)
    print(f"fake FCM on http://{args.host}:{args.port} (messages: GET /)", flush=True)
    uvicorn.run(FakeFcmApp(args.log), host=args.host, port=args.port, log_level="warning", lifespan="off")
    print("fake FCM stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
