"""The campaign composer driven over HTTP as its page's htmx does: its fields, a signed-in browser of one's
own, the review then the post, and the reach figure a fragment shows."""

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from tests.fixtures.console import signed_in
from tests.fixtures.users import User

NEW = "/console/campaigns/new"


def alert_form(**fields: Any) -> dict[str, Any]:
    """The composer's fields for a normal alert to Lahore in Urdu and English, sent now, with a fresh key."""
    form: dict[str, Any] = {
        "idempotency_key": uuid.uuid4().hex,
        "districts": ["lahore"],
        "constituencies": "",
        "priority": "normal",
        "title_ur": "جعلی ویزا سے ہوشیار",
        "body_ur": "لاہور میں جعلی ویزا دینے والے گروہ سے بچیں۔",
        "title_en": "Beware of fake visas",
        "body_en": "A racket is selling fake work visas in Lahore.",
        "link_kind": "",
        "link_id": "",
        "send_at": "",
    }
    return form | fields


@asynccontextmanager
async def console_of(app: FastAPI, user: User) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """A browser of its own signed in as `user` (the console in English), with the CSRF header its htmx
    writes carry."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        browser.cookies.set("hq_lang", "en", path="/console")
        token = await signed_in(browser, user)
        yield browser, {"X-CSRF-Token": token}


async def reviewed(browser: httpx.AsyncClient, csrf: dict[str, str], form: dict[str, Any]) -> dict[str, Any]:
    """The form after its review, carrying the digest of what the editor saw."""
    review = await browser.post(f"{NEW}/review", data=form, headers=csrf)
    assert review.status_code == 200, review.text
    digest = re.search(r'name="reviewed" value="([0-9a-f]{64})"', review.text)
    assert digest is not None
    return form | {"reviewed": digest.group(1)}


async def send(browser: httpx.AsyncClient, csrf: dict[str, str], form: dict[str, Any]) -> str:
    """Review the form, then post it: the new campaign's id (from the page htmx is sent to)."""
    created = await browser.post("/console/campaigns", data=await reviewed(browser, csrf, form), headers=csrf)
    assert created.status_code == 200, created.text
    return created.headers["HX-Redirect"].rsplit("/", 1)[1]


def figures(html: str) -> tuple[int, int]:
    """The people and devices a reach figure shows."""
    found = re.search(r'data-people="(\d+)" data-devices="(\d+)"', html)
    assert found is not None, html
    return int(found.group(1)), int(found.group(2))
