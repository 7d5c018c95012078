"""Run the API for development: the embedded engine (unless MONGODB_URI is set), the seed data, uvicorn."""

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import uvicorn

from backend.content.seed import import_seed_content
from backend.core.settings import Settings
from backend.geography.loading import import_seed_data
from backend.recruiters import service as recruiters
from backend.recruiters.models import LicenceList
from backend.turnout.keys import use_secret
from scripts import demo_data, dev_users
from scripts.db import beanie_session
from scripts.dev_secrets import DEV_SECRET_FILE, ensure_figures_key_secret
from scripts.engine import ROOT, EmbeddedEngine
from scripts.firebase_emulator import AuthEmulator
from scripts.import_recruiters import SAMPLE, SAMPLE_DATE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scripts/run.sh",
        description=(
            "Start the embedded engine (mongo-java-server, one file under --data-dir, committed after every "
            "write) unless MONGODB_URI is set, and the Firebase "
            "Auth emulator (project demo-hamqadam) unless FIREBASE_AUTH_EMULATOR_HOST is set or "
            "--no-auth-emulator is given; load the geography seed (idempotent) and serve the API with "
            "uvicorn. Ctrl-C stops the API, then the emulator and the engine. "
            "Then `.venv/bin/python -m scripts.dev_users --demo` prints ID tokens to call the API with."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="API address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="API port (default 8000)")
    parser.add_argument(
        "--db-port",
        type=int,
        default=int(os.environ.get("ENGINE_PORT", "27018")),
        help="embedded engine port (default 27018, or ENGINE_PORT)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=ROOT / "var" / "engine",
        help="where the embedded engine keeps its file and log (default var/engine, git-ignored)",
    )
    parser.add_argument(
        "--auth-port",
        type=int,
        default=int(os.environ.get("AUTH_EMULATOR_PORT", "9099")),
        help="Firebase Auth emulator port (default 9099, or AUTH_EMULATOR_PORT)",
    )
    parser.add_argument(
        "--no-auth-emulator",
        action="store_true",
        help="do not start the Auth emulator (use real Firebase: set FIREBASE_PROJECT_ID and credentials)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="also load the clearly marked demo data once (young people, a year of events, check-ins, a "
        "campaign, a poll, questions: see scripts/demo_data.py) and print one demo user per role",
    )
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="skip loading the seed data (geography, sample recruiters, content)",
    )
    parser.add_argument(
        "--fcm-port",
        type=int,
        default=int(os.environ.get("FAKE_FCM_PORT", "9098")),
        help="port of the local FCM server that receives alerts when FCM_BASE_URL and "
        "GOOGLE_APPLICATION_CREDENTIALS are unset (default 9098, or FAKE_FCM_PORT); GET / lists what "
        "each phone received, var/fcm.log has one JSON line per message",
    )
    parser.add_argument("--reload", action="store_true", help="restart the API when code changes")
    return parser


def start_fake_fcm(port: int, log: Path) -> subprocess.Popen[bytes]:
    # Without Firebase credentials, alerts go to this local server: visible, never silently nowhere.
    command = [sys.executable, "-m", "scripts.fake_fcm", "--port", str(port), "--log", str(log)]
    process = subprocess.Popen(command, cwd=ROOT)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local FCM server exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"the local FCM server did not listen on port {port}")


def seed(settings: Settings) -> None:
    """The geography, the sample recruiter list and the shipped content (idempotent; the load bench too)."""

    async def run() -> None:
        async with beanie_session(settings):
            report = await import_seed_data()
            if await LicenceList.get("current") is None:
                await recruiters.import_list(
                    actor="script:dev_server",
                    text=SAMPLE.read_text(encoding="utf-8"),
                    list_date=SAMPLE_DATE,
                    source="Sample data for development",
                    sample=True,
                )
                print("recruiters: the development sample list was loaded (marked as sample)", flush=True)
            content = await import_seed_content()
        print(
            f"seed: provinces {report.provinces}; districts {report.districts}; "
            f"constituencies {report.constituencies}",
            flush=True,
        )
        print(
            f"content: {content.published} shipped items published, {content.unchanged} already there, "
            f"{content.kept} changed by editors and kept",
            flush=True,
        )

    asyncio.run(run())


def load_demo(settings: Settings) -> None:
    """The demo (scripts/demo_data.py), once per database."""
    use_secret(settings)
    loaded = demo_data.load(settings)
    if loaded is None:
        print("demo: loaded already (kept as it is)", flush=True)
    else:
        print("demo loaded: " + ", ".join(f"{count:,} {what}" for what, count in loaded.items()), flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.demo and args.no_seed:
        _parser().error("--demo needs the seed data (the demo's places): drop --no-seed")
    ensure_figures_key_secret(args.data_dir.parent / DEV_SECRET_FILE.name)
    engine: EmbeddedEngine | None = None
    if os.environ.get("MONGODB_URI"):
        print("MONGODB_URI is set: using that server, starting no engine", flush=True)
    else:
        engine = EmbeddedEngine(
            port=args.db_port,
            storage="file",
            data_path=args.data_dir / "hamqadam.mv",
            restart_after_store_failure=True,
        )
        started = time.monotonic()
        print(
            f"starting the embedded engine on 127.0.0.1:{args.db_port} (data in {args.data_dir}) ...",
            flush=True,
        )
        engine.start()
        print(f"engine ready in {time.monotonic() - started:.1f}s", flush=True)
        os.environ["MONGODB_URI"] = engine.uri
    emulator: AuthEmulator | None = None
    fake_fcm: subprocess.Popen[bytes] | None = None
    try:
        if not os.environ.get("FCM_BASE_URL") and not os.environ.get("GOOGLE_APPLICATION_CREDENTIALS"):
            fake_fcm = start_fake_fcm(args.fcm_port, args.data_dir.parent / "fcm.log")
            os.environ["FCM_BASE_URL"] = f"http://127.0.0.1:{args.fcm_port}"
            print(f"alerts go to the local FCM server: http://127.0.0.1:{args.fcm_port}/", flush=True)
        if not args.no_auth_emulator and not os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"):
            emulator = AuthEmulator(work_dir=args.data_dir.parent / "auth-emulator", port=args.auth_port)
            print(f"starting the Firebase Auth emulator on {emulator.host} ...", flush=True)
            emulator.launch()  # it boots while the seed loads
        if not args.no_seed:
            seed(Settings())
        if args.demo:
            load_demo(Settings())
        if emulator is not None:
            emulator.wait_until_ready()
            os.environ["FIREBASE_AUTH_EMULATOR_HOST"] = emulator.host
            os.environ.setdefault("FIREBASE_PROJECT_ID", emulator.project_id)
            if args.demo:
                print("demo users (one per role; tokens last an hour, more from scripts.dev_users --demo):")
                asyncio.run(dev_users.create_users(dev_users.DEMO_USERS, Settings(), emulator.users))
            else:
                print("Auth emulator ready; tokens: .venv/bin/python -m scripts.dev_users --demo", flush=True)
        print(
            f"API on http://{args.host}:{args.port} (docs: http://{args.host}:{args.port}/docs; "
            f"staff console: http://{args.host}:{args.port}/console)",
            flush=True,
        )
        uvicorn.run("backend.main:app", host=args.host, port=args.port, reload=args.reload, log_config=None)
    finally:
        if fake_fcm is not None:
            fake_fcm.terminate()
            fake_fcm.wait(timeout=10)
        if emulator is not None:
            print("stopping the Auth emulator ...", flush=True)
            emulator.stop()
        if engine is not None:
            print("stopping the engine ...", flush=True)
            engine.stop()
            print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
