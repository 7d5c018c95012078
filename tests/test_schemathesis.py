"""Schemathesis against the checked-in contract: every operation, as each kind of caller, answers no 5xx,
no status it does not declare, and nothing that breaks its own declared schema or content type.

Cases are drawn (deterministically) before any request, then sent through the run's app on the session
event loop: schemathesis's own ASGI transport would run the app on a loop of its own, away from the
database client.
"""

import asyncio
import contextlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import hypothesis
import pytest
import requests
import schemathesis
from fastapi import FastAPI
from hypothesis.errors import NoSuchExample, Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.accounts.models import Account
from backend.core.clock import utc_now
from schemas.accounts import Role
from scripts.export_openapi import OPENAPI_PATH
from scripts.firebase_emulator import AuthEmulator
from tests.fixtures.content import item_body
from tests.fixtures.events import plan

SCHEMA = schemathesis.openapi.from_dict(json.loads(OPENAPI_PATH.read_text(encoding="utf-8")))
Operation = APIOperation[Any, Any, Any, Any]
OperationCase = Case[Operation]


def _operations() -> list[Operation]:
    operations = []
    for result in SCHEMA.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    return operations


OPERATIONS = _operations()
CHECKS: list[Callable[..., Any]] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Per operation: positive cases go to every caller, negative ones to callers the operation admitted.
POSITIVE_EXAMPLES = 4
NEGATIVE_EXAMPLES = 4
# Positive cases of operations on one resource, with the ids of real ones.
KNOWN_EXAMPLES = 4
CONSENT_VERSION = "2026-11-v1"
BASE_URL = "http://testserver"
_REQUEST_ARGS = ("method", "url", "headers", "params", "cookies", "json", "data", "files")


def draw_cases(operation: Operation, mode: GenerationMode, count: int, **fixed: Any) -> list[OperationCase]:
    """`count` cases of `operation`, the same ones every run (derandomized, no example database)."""
    cases: list[OperationCase] = []

    def keep(case: OperationCase) -> bool:
        cases.append(case)
        return False

    settings = hypothesis.settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    with contextlib.suppress(NoSuchExample, Unsatisfiable):
        hypothesis.find(operation.as_strategy(generation_mode=mode, **fixed), keep, settings=settings)
    return cases[:count]


def to_request(case: OperationCase, token: str | None) -> requests.PreparedRequest:
    """The exact request schemathesis would send, with the caller's token (or none)."""
    kwargs = case.as_transport_kwargs(base_url=BASE_URL)
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() != "authorization"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    kwargs["headers"] = headers
    return requests.Request(**{key: kwargs[key] for key in _REQUEST_ARGS if key in kwargs}).prepare()


CALLER_ROLES: dict[str, tuple[Role, list[str]] | None] = {
    "anonymous": None,
    "youth": (Role.YOUTH, []),
    "field_officer": (Role.FIELD_OFFICER, ["lahore", "quetta"]),
    "editor": (Role.EDITOR, []),
    "admin": (Role.ADMIN, []),
}
# Emulator sign-ups made once for the module (about 0.1 s each); accounts are re-created per test.
_SIGNED_UP: dict[str, tuple[str, str, str]] = {}
# Negative cases go to at most this many callers the operation admitted (the rest only see 401/403).
NEGATIVE_CALLERS = 2


@pytest.fixture
async def callers(app: FastAPI, seeded: None, auth_emulator: AuthEmulator) -> dict[str, str | None]:
    """Each caller's ID token (anonymous: none), with an account holding its role in this test's database."""
    tokens: dict[str, str | None] = {}
    for name, grant in CALLER_ROLES.items():
        if grant is None:
            tokens[name] = None
            continue
        if name not in _SIGNED_UP:
            email = f"{name}-{uuid.uuid4().hex[:8]}@example.org"
            uid, token = await asyncio.to_thread(auth_emulator.users.sign_up, email)
            _SIGNED_UP[name] = (uid, email, token)
        uid, email, token = _SIGNED_UP[name]
        role, districts = grant
        now = utc_now()
        await Account(
            id=uid, email=email, roles=[role], districts=districts, created_at=now, updated_at=now
        ).insert()
        tokens[name] = token
    return tokens


async def known_path_parameters(http: httpx.AsyncClient, callers: dict[str, str | None]) -> dict[str, Any]:
    """Real resources (an event, a content draft, a signed-up youth), so cases also reach past the 404s."""

    def as_caller(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {callers[name]}"}

    event_id, item_id = str(uuid.uuid4()), str(uuid.uuid4())
    created = await http.put(f"/v1/events/{event_id}", json=plan(), headers=as_caller("field_officer"))
    assert created.status_code == 201, created.text
    drafted = await http.put(
        f"/v1/editorial/content/{item_id}", json=item_body(), headers=as_caller("editor")
    )
    assert drafted.status_code == 201, drafted.text
    signup = {
        "display_name": "Ayesha",
        "birth_year": datetime.now(ZoneInfo("Asia/Karachi")).year - 20,
        "gender": "female",
        "district": "Lahore",
        "constituency": "NA-117",
        "provincial_constituency": "PP-145",
        "languages": ["ur", "en"],
        "interests": ["legal_migration"],
        "phone": "+92 300 1234567",
        "consent": {"version": CONSENT_VERSION},
    }
    registered = await http.post("/v1/youth/signup", json=signup, headers=as_caller("youth"))
    assert registered.status_code == 201, registered.text
    return {
        "event_id": event_id,
        "item_id": item_id,
        "revision": 1,
        "uid": _SIGNED_UP["youth"][0],
        "code": "lahore",
    }


async def send(http: httpx.AsyncClient, case: OperationCase, token: str | None) -> httpx.Response:
    prepared = to_request(case, token)
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    assert body is None or isinstance(body, bytes)
    # Raw bytes, as requests would send them (httpx would refuse a str header outside ASCII).
    headers = [
        (name.encode("latin-1"), value.encode("latin-1") if isinstance(value, str) else value)
        for name, value in prepared.headers.items()
    ]
    return await http.request(
        prepared.method or "GET", prepared.url or BASE_URL, headers=headers, content=body
    )


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.label for operation in OPERATIONS])
async def test_operation_keeps_its_contract(
    operation: Operation, app: FastAPI, callers: dict[str, str | None]
) -> None:
    failures: list[str] = []
    admitted: list[str] = []
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        positive = draw_cases(operation, GenerationMode.POSITIVE, POSITIVE_EXAMPLES)
        negative = draw_cases(operation, GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)
        assert positive, f"no cases for {operation.label}"
        known = await known_path_parameters(http, callers)
        names = {parameter.name for parameter in operation.path_parameters}
        if names:
            fixed = {name: known[name] for name in names if name in known}
            if fixed:
                positive += draw_cases(
                    operation, GenerationMode.POSITIVE, KNOWN_EXAMPLES, path_parameters=fixed
                )

        async def check(case: OperationCase, caller: str) -> None:
            response = await send(http, case, callers[caller])
            if response.status_code not in (401, 403) and caller not in admitted:
                admitted.append(caller)
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as failure:
                failures.append(f"[{caller}] {failure}")

        for case in positive:
            for caller in callers:
                await check(case, caller)
        for case in negative:
            for caller in admitted[:NEGATIVE_CALLERS] or ["anonymous"]:
                await check(case, caller)
    assert not failures, "\n".join(failures)
