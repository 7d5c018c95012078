"""The application factory and its lifespan. `uvicorn backend.main:app` serves the API."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.routing import APIRoute

from backend.accounts.audit_log import router as audit_router
from backend.accounts.revocation import RevocationChecks
from backend.accounts.router import router as accounts_router
from backend.alerts.delivery.config import WorkerConfig
from backend.alerts.delivery.tasks import make_sender, run_alerts, stop_alerts
from backend.alerts.devices.router import router as devices_router
from backend.alerts.devices.tasks import clean_up_devices
from backend.alerts.devices.topic_sync import sync_topics
from backend.alerts.inbox.router import router as notifications_router
from backend.alerts.push.fcm import FcmSender
from backend.alerts.push.process import serving
from backend.alerts.router import router as alerts_router
from backend.console.admin_imports import IMPORT_BODY_LIMIT
from backend.console.router import install as install_console
from backend.content.router import editorial_router
from backend.content.router import router as content_router
from backend.content.sync_pages import SyncPages
from backend.content.tasks import publish_and_expire
from backend.core.body_limit import BodyLimitMiddleware
from backend.core.database import Database
from backend.core.dependencies import require_database
from backend.core.docs import install_docs
from backend.core.errors import install_error_handlers
from backend.core.firebase import FirebaseAuth
from backend.core.http_cache import GZIP_LEVEL, GZIP_MIN_BYTES
from backend.core.logging import configure_logging
from backend.core.metrics import DatabaseTimer
from backend.core.metrics_route import router as metrics_router
from backend.core.middleware import RequestContextMiddleware
from backend.core.rate_limit import delete_expired_counters
from backend.core.responses import (
    BAD_REQUEST,
    DATABASE_UNAVAILABLE,
    PAYLOAD_TOO_LARGE,
    VALIDATION_FAILED,
)
from backend.core.settings import Settings, get_settings
from backend.core.workers import run_every
from backend.data_rights.router import router as data_rights_router
from backend.events.checkin_codes import CheckinSigner
from backend.events.photos import MAX_PHOTO_BYTES
from backend.events.router import router as events_router
from backend.geography.router import router as geography_router
from backend.health.router import router as health_router
from backend.recruiters.router import router as recruiters_router
from backend.registry import DOCUMENT_MODELS
from backend.topics.router import router as topics_router
from backend.turnout import keys as record_keys
from backend.turnout.brief.pdf import close_printer
from backend.turnout.router import router as turnout_router
from backend.voice.feedback.router import events_router as event_feedback_router
from backend.voice.feedback.router import router as feedback_router
from backend.voice.polls.router import editorial_router as poll_editorial_router
from backend.voice.polls.router import router as polls_router
from backend.voice.questions.router import editorial_router as question_editorial_router
from backend.voice.questions.router import mp_router as mp_questions_router
from backend.voice.questions.router import router as questions_router
from backend.youth import profile_changes
from backend.youth.router import events_router as event_checkins_router
from backend.youth.router import router as youth_router

logger = logging.getLogger(__name__)

API_TITLE = "Hamqadam API"
API_VERSION = "0.1.0"
API_DESCRIPTION = (
    "Backend of Hamqadam, the companion app for youth dialogues and district advocacy on safe migration "
    "in Pakistan. Every error is RFC 9457 problem details (`application/problem+json`) with a stable `code`."
)


def operation_id(route: APIRoute) -> str:
    """Short, stable ids for client generators: `<tag>_<handler name>`, e.g. `accounts_revoke_role`."""
    return f"{route.tags[0]}_{route.name}" if route.tags else route.name


def _topic_sync(sender: FcmSender) -> Callable[[], Awaitable[None]]:
    async def sync() -> None:
        await sync_topics(sender)

    return sync


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    """Build the API; the lifespan opens the database and closes it on shutdown.

    `database`, when given, is already started and stays open after the app stops (tests share one).
    """
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = database is None
        app_database = (
            Database(settings, DOCUMENT_MODELS, event_listeners=[DatabaseTimer()])
            if database is None
            else database
        )
        app.state.database = app_database
        app.state.firebase = FirebaseAuth(settings)
        app.state.checkin_signer = CheckinSigner(settings)
        record_keys.use_secret(settings)
        if owned:
            await app_database.start()
        else:
            await app_database.attach()
        if app_database.initialised and not await record_keys.secret_matches():
            logger.error(
                "FIGURES_KEY_SECRET is not the secret the figures are keyed with: set the one in use, "
                "or re-key on purpose with scripts/rebuild_turnout.py --new-secret (docs/PRIVACY.md)"
            )
        # One FCM sender per process, made on this event loop (the SDK's HTTP client is bound to it).
        sender = make_sender(settings, firebase_app=app.state.firebase.app)
        app.state.fcm = sender
        timers: list[tuple[float, Callable[[], Awaitable[None]], str]] = [
            (settings.device_cleanup_interval_s, clean_up_devices, "device cleanup"),
            (settings.content_scheduler_interval_s, publish_and_expire, "content scheduler"),
            (settings.rate_counter_cleanup_interval_s, delete_expired_counters, "rate counter cleanup"),
        ]
        alerts_stop = asyncio.Event()
        alerts: asyncio.Task[None] | None = None
        if sender is None:
            logger.warning("alerts are not sent: set FCM_BASE_URL, or Google credentials for Firebase")
        else:
            timers.append((settings.alerts_topic_sync_interval_s, _topic_sync(sender), "alert topic sync"))
            if settings.alerts_worker_enabled:
                config = WorkerConfig.from_settings(settings)
                alerts = asyncio.create_task(
                    run_alerts(
                        sender=sender,
                        config=config,
                        interval_s=settings.alerts_poll_interval_s,
                        stop=alerts_stop,
                    )
                )
        workers = [
            asyncio.create_task(run_every(interval_s, job, name=name))
            for interval_s, job, name in timers
            if interval_s > 0
        ]
        try:
            with serving(sender):  # the process's sender, for work without a request (a signal's handler)
                yield
        finally:
            if alerts is not None:
                # The batch in hand is finished rather than cut off (its claims would end unconfirmed).
                await stop_alerts(alerts, alerts_stop, grace_s=10)
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            if sender is not None:
                await sender.close()
            if owned:
                await app_database.close()
            app.state.firebase.close()
            await close_printer()

    app = FastAPI(
        title=API_TITLE,
        version=API_VERSION,
        description=API_DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app)
    app.state.settings = settings
    app.state.revocation_checks = RevocationChecks(settings.revocation_check_interval_s)
    app.state.sync_pages = SyncPages()

    # A disabled account blocks its young person from every alert (accounts imports no feature).
    app.state.account_followers = (profile_changes.follow_account_status,)
    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "X-Request-ID"],
        )
    # Phones on patchy, metered data: JSON shrinks to about a fifth (the content sync feed most of all).
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=GZIP_LEVEL)
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=settings.max_body_bytes,
        route_limits=[(r"/v1/events/[^/]+/photos/[^/]+", MAX_PHOTO_BYTES), IMPORT_BODY_LIMIT],
    )
    app.add_middleware(RequestContextMiddleware)

    # Each feature's router straight under the app with the /v1 prefix, not inside one /v1 router:
    # FastAPI matches an included router's routes again at every level it is nested in, so one level
    # less makes every /v1 request cheaper to route.
    for feature_router in (
        geography_router,
        accounts_router,
        audit_router,
        events_router,
        event_checkins_router,
        youth_router,
        devices_router,
        data_rights_router,
        topics_router,
        recruiters_router,
        content_router,
        editorial_router,
        turnout_router,
        alerts_router,
        notifications_router,
        poll_editorial_router,
        polls_router,
        questions_router,
        question_editorial_router,
        mp_questions_router,
        event_feedback_router,
        feedback_router,
    ):
        app.include_router(
            feature_router,
            prefix="/v1",
            dependencies=[Depends(require_database)],
            responses=BAD_REQUEST | PAYLOAD_TOO_LARGE | VALIDATION_FAILED | DATABASE_UNAVAILABLE,
        )
    app.include_router(health_router)
    app.include_router(metrics_router)
    install_console(app)
    return app


app = create_app()
