"""Fixtures: one local FCM server for the module (emptied before each test) and a sender pointed at it."""

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from backend.alerts.push.fcm import FcmSender, RetryPolicy
from scripts.fake_fcm import FakeFcm

PROJECT = "demo-hamqadam"
# Quick retries, so that a test of several attempts stays far below the 60 s limit.
QUICK = RetryPolicy(max_attempts=3, base_s=0.01, cap_s=0.05)


@pytest.fixture(autouse=True)
def _quiet_httpx() -> Iterator[None]:
    """httpx logs every request at INFO: thousands of lines here, doubling the run time of a big send."""
    logger = logging.getLogger("httpx")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


@pytest.fixture(scope="module")
def fcm_server() -> Iterator[FakeFcm]:
    with FakeFcm() as server:
        yield server


@pytest.fixture
def fcm(fcm_server: FakeFcm) -> FakeFcm:
    fcm_server.reset()
    return fcm_server


@pytest.fixture
async def sender(fcm: FakeFcm) -> AsyncIterator[FcmSender]:
    fcm_sender = FcmSender(project_id=PROJECT, base_url=fcm.base_url, http_timeout_s=30, retry=QUICK)
    try:
        yield fcm_sender
    finally:
        await fcm_sender.close()
