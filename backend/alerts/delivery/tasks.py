"""The alerts worker as a loop (in the API process or scripts/alerts_worker.py) and the sender it uses."""

import asyncio
import contextlib
import logging
import os

import firebase_admin
from firebase_admin import exceptions as firebase_exceptions
from pymongo.errors import PyMongoError

from backend.alerts.delivery.config import WorkerConfig
from backend.alerts.delivery.worker import RoundReport, run_round
from backend.alerts.models import AlertBatch, Campaign, Delivery
from backend.alerts.push.fcm import FcmSender
from backend.core.clock import utc_now
from backend.core.settings import Environment, Settings

logger = logging.getLogger(__name__)


def make_sender(settings: Settings, *, firebase_app: firebase_admin.App | None) -> FcmSender | None:
    """The local FCM server's sender, Google's through the Firebase app, or None when neither is set up."""
    if settings.fcm_base_url:
        return FcmSender(
            project_id=settings.firebase_project_id,
            base_url=settings.fcm_base_url,
            http_timeout_s=settings.firebase_http_timeout_s,
        )
    with_google = settings.environment is Environment.PRODUCTION or os.environ.get(
        "GOOGLE_APPLICATION_CREDENTIALS"
    )
    if firebase_app is not None and with_google:
        return FcmSender(app=firebase_app)
    return None


async def run_alerts(
    *, sender: FcmSender, config: WorkerConfig, interval_s: float, stop: asyncio.Event, log: bool = False
) -> None:
    """Work rounds until `stop` is set, resting `interval_s` after a round that found nothing to do."""
    while not stop.is_set():
        report = RoundReport()
        try:
            report = await run_round(sender=sender, config=config, stop=stop, log=log)
        except PyMongoError as exc:
            logger.warning("alerts round failed; retrying next round", extra={"error": type(exc).__name__})
        except (firebase_exceptions.FirebaseError, OSError, ValueError):
            # One bad round (FCM away, a malformed stored campaign) must not stop every later campaign.
            logger.exception("alerts round failed; retrying next round")
        if not report.busy:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_s)


async def work_left() -> bool:
    """Whether any campaign, batch or held delivery is due now (a batch another worker holds included)."""
    now = utc_now()
    due = [
        (Campaign, {"status": "scheduled", "send_at": {"$lte": now}}),
        (Campaign, {"status": "sending", "planned": False}),
        (AlertBatch, {"status": "pending"}),
        (Delivery, {"status": "held", "release_at": {"$lte": now}}),
    ]
    for model, query in due:
        if await model.get_pymongo_collection().find_one(query, {"_id": 1}) is not None:
            return True
    return False


async def stop_alerts(task: asyncio.Task[None], stop: asyncio.Event, *, grace_s: float) -> None:
    """Let the worker finish the batch in hand (`grace_s` at most), then cancel it."""
    stop.set()
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=grace_s)
    except TimeoutError:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
