"""Run the alerts worker alone (planner, batch worker, morning release, topic sync) until SIGTERM."""

import argparse
import asyncio
import contextlib
import faulthandler
import signal
import sys

from firebase_admin.exceptions import FirebaseError
from pymongo.errors import PyMongoError

from backend.alerts.delivery.config import WorkerConfig
from backend.alerts.delivery.tasks import make_sender, run_alerts, work_left
from backend.alerts.delivery.worker import run_round
from backend.alerts.devices.topic_sync import sync_topics
from backend.alerts.push.fcm import FcmSender
from backend.core.firebase import FirebaseAuth
from backend.core.logging import configure_logging
from backend.core.settings import Settings
from scripts.db import beanie_session

EXIT_WATCHDOG_S = 10.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.alerts_worker",
        description=(
            "Plan due alert campaigns, send their batches under a renewed lease, release deliveries held "
            "for quiet hours and keep devices' topic subscriptions up to date, against MONGODB_URI / "
            "MONGODB_DATABASE, until SIGTERM or Ctrl-C (the batch in hand is finished first). Any number "
            "may run beside the API's own worker (set ALERTS_WORKER_ENABLED=false to keep the API from "
            "sending). FCM: FCM_BASE_URL (a local server, python -m scripts.fake_fcm) or, in production, "
            "Google credentials. Prints one line per batch."
        ),
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="work until nothing is due (batches held by a dead worker included, once their lease runs "
        "out), then exit; deliveries held until a later morning are left",
    )
    return parser


async def _drain(sender: FcmSender, config: WorkerConfig, interval_s: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            report = await run_round(sender=sender, config=config, stop=stop, log=True)
        except (PyMongoError, FirebaseError, OSError) as exc:
            # The database or FCM away for a moment: what this round held is taken over after its lease.
            print(f"round failed ({type(exc).__name__}); retrying", file=sys.stderr, flush=True)
            await asyncio.sleep(interval_s)
            continue
        if report.finished:
            print(f"campaigns finished: {report.finished}", flush=True)
        if not report.busy:
            if not await work_left():
                return
            # A batch another worker leased: wait for it to finish or for its lease to run out.
            await asyncio.sleep(interval_s)


async def _run(once: bool) -> int:
    settings = Settings()
    configure_logging(settings.log_level)
    firebase = FirebaseAuth(settings)
    sender = make_sender(settings, firebase_app=firebase.app)
    if sender is None:
        print("no FCM: set FCM_BASE_URL (development) or Google credentials (production)", file=sys.stderr)
        firebase.close()
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    config = WorkerConfig.from_settings(settings)
    try:
        async with beanie_session(settings):
            print(f"alerts worker {config.owner} ready (lease {settings.alerts_lease_s:g}s)", flush=True)
            if once:
                await _drain(sender, config, settings.alerts_poll_interval_s, stop)
            else:
                sync = asyncio.create_task(_sync_topics(sender, settings.alerts_topic_sync_interval_s, stop))
                await run_alerts(
                    sender=sender,
                    config=config,
                    interval_s=settings.alerts_poll_interval_s,
                    stop=stop,
                    log=True,
                )
                await sync
    finally:
        await sender.close()
        firebase.close()
    print(f"alerts worker {config.owner} stopped", flush=True)
    # What is left (cancelling tasks, joining threads) takes moments. Should anything hold the process past
    # EXIT_WATCHDOG_S, print every thread's stack to stderr and exit 1, instead of waiting to be killed.
    faulthandler.dump_traceback_later(EXIT_WATCHDOG_S, exit=True)
    return 0


async def _sync_topics(sender: FcmSender, interval_s: float, stop: asyncio.Event) -> None:
    while interval_s > 0 and not stop.is_set():
        try:
            moved = await sync_topics(sender)
        except (PyMongoError, FirebaseError) as exc:
            print(
                f"topic sync failed ({type(exc).__name__}); retrying next round", file=sys.stderr, flush=True
            )
        else:
            if moved:
                print(f"topic subscriptions brought up to date: {moved}", flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_s)


def main(argv: list[str] | None = None) -> int:
    """Run the worker until SIGTERM (or, with --once, until nothing is due); for a process of its own,
    which an exit held past EXIT_WATCHDOG_S after "stopped" ends with status 1."""
    args = _parser().parse_args(argv)
    return asyncio.run(_run(args.once))


if __name__ == "__main__":
    sys.exit(main())
