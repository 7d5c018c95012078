"""Every route declares who may call it; staff of one scope reach nothing of another's."""

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from backend.core.settings import Settings
from backend.main import create_app
from schemas.accounts import Role
from tests.fixtures.users import MakeUser, User


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def _access_rules(route: APIRoute) -> list[str]:
    return [rule for call in _calls(route.dependant) if (rule := getattr(call, "__access_rule__", None))]


def _api_routes() -> list[APIRoute]:
    return [route for route in create_app(Settings()).routes if isinstance(route, APIRoute)]


def test_every_route_declares_an_access_rule() -> None:
    missing = [
        f"{sorted(route.methods or [])} {route.path}" for route in _api_routes() if not _access_rules(route)
    ]
    assert not missing, f"routes without an access rule: {missing}"


def test_only_reference_data_and_probes_are_public() -> None:
    public = {
        route.path for route in _api_routes() if any(r.startswith("public") for r in _access_rules(route))
    }
    allowed = (
        "/v1/geo/",
        "/healthz",
        "/readyz",
        "/v1/events/upcoming",
        "/v1/youth/consent",
        "/v1/topics",
        "/v1/recruiters",
        "/v1/content",  # published safe-migration information; /v1/editorial/... is for editors
        # The console's sign-in page, the swap of a fresh ID token for a session (CSRF-checked, rate
        # limited), the language switch and its own scripts and styles.
        "/console/sign-in",
        "/console/session",
        "/console/language/",
        "/console/static/",
    )
    assert all(path.startswith(allowed) for path in public), public


def _admin_routes(app: FastAPI) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path.startswith("/v1/admin"):
            path = route.path.replace("{uid}", "someone").replace("{role}", "youth")
            calls.extend((method, path) for method in route.methods or [])
    return calls


@pytest.mark.usefixtures("seeded")
async def test_mp_and_field_officer_cannot_reach_others_data_through_any_route(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    mp_lahore = await make_user(Role.MP, constituency="NA-117")
    mp_karachi = await make_user(Role.MP, constituency="NA-242")
    officer_quetta = await make_user(Role.FIELD_OFFICER, districts=["quetta"])
    officer_peshawar = await make_user(Role.FIELD_OFFICER, districts=["peshawar"])
    staff: list[tuple[User, User]] = [(mp_lahore, mp_karachi), (officer_quetta, officer_peshawar)]
    for caller, other in staff:
        for method, path in _admin_routes(app):
            response = await client.request(
                method,
                path.replace("someone", other.uid),
                headers=caller.headers,
                json={"districts": ["quetta"], "disabled": True},
            )
            assert response.status_code == 403, (method, path)
            assert response.json()["code"] == "role_required"
        me = (await client.get("/v1/me", headers=caller.headers)).json()
        assert me["uid"] == caller.uid
    unchanged = (await client.get("/v1/me", headers=mp_karachi.headers)).json()
    assert (unchanged["constituency"], unchanged["disabled"]) == ("NA-242", False)


@pytest.mark.usefixtures("seeded")
async def test_signed_in_without_admin_role_gets_403_and_anonymous_gets_401(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    editor = await make_user(Role.EDITOR)
    assert (await client.get("/v1/admin/audit", headers=editor.headers)).status_code == 403
    assert (await client.get("/v1/admin/audit")).status_code == 401


def _event_routes(app: FastAPI) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []
    for route in app.routes:
        if isinstance(route, APIRoute) and "{event_id}" in route.path:
            calls.extend((method, route.path) for method in route.methods or [])
    return calls


@pytest.mark.usefixtures("seeded")
async def test_staff_of_other_places_reach_no_event_through_any_route(
    app: FastAPI, client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    owner = await make_user(Role.FIELD_OFFICER, districts=["peshawar"])
    event_id = str(uuid.uuid4())
    body = {
        "kind": "workshop",
        "title": "Peshawar workshop",
        "topics": ["rights_abroad"],
        "district": "peshawar",
        "constituency": "NA-28",
        "venue_name": "Press club",
        "starts_at": "2031-05-01T10:00:00+05:00",
        "ends_at": "2031-05-01T12:00:00+05:00",
        "expected_turnout": 30,
    }
    created = await client.put(f"/v1/events/{event_id}", json=body, headers=owner.headers)
    assert created.status_code == 201
    officer_quetta = await make_user(Role.FIELD_OFFICER, districts=["quetta"])
    supervisor_quetta = await make_user(Role.SUPERVISOR, districts=["quetta"])
    mp_lahore = await make_user(Role.MP, constituency="NA-117")
    for caller in (officer_quetta, supervisor_quetta, mp_lahore):
        for method, path in _event_routes(app):
            url = path.replace("{event_id}", event_id).replace("{photo_id}", str(uuid.uuid4()))
            response = await client.request(
                method, url, headers=caller.headers, json=body | {"decision": "approve"}
            )
            assert response.status_code in (403, 404), (method, path, response.status_code)
    after = await client.get(f"/v1/events/{event_id}", headers=owner.headers)
    assert after.json()["version"] == 1
    listing = await client.get("/v1/events", headers=officer_quetta.headers)
    assert listing.json()["total"] == 0
