"""`/metrics`: Prometheus' text format with the bearer token only, routes by template (never a raw path
with ids), problems by code, database commands, rate-limit refusals, alerts, the PDF printer; and every
access log line names the route template and the caller's role, never who they are."""

import logging
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr, ValidationError

from backend.core.metrics import route_of
from backend.core.settings import Settings
from schemas.accounts import Role
from tests.fixtures.users import MakeUser

TOKEN = "metrics-token-" + "m" * 24
NAMES = (
    "hamqadam_http_requests",
    "hamqadam_http_request_duration_seconds_bucket",
    "hamqadam_problems",
    "hamqadam_database_command_duration_seconds_bucket",
    "hamqadam_rate_limit_refusals",
    "hamqadam_alert_pushes",
    "hamqadam_alert_batches_waiting",
    "hamqadam_pdf_prints_waiting",
    "hamqadam_pdf_prints_running",
)


@pytest.fixture
def with_token(app: FastAPI) -> Iterator[None]:
    """The app configured with a metrics token for the test."""
    configured = app.state.settings
    app.state.settings = configured.model_copy(update={"metrics_token": SecretStr(TOKEN)})
    yield
    app.state.settings = configured


async def test_metrics_are_not_served_without_a_configured_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 404
    # Compose passes `${METRICS_TOKEN:-}`: an empty token is no token, never one an empty header matches.
    assert Settings(metrics_token="").metrics_token is None  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Settings(metrics_token="short")  # type: ignore[arg-type]


@pytest.mark.usefixtures("with_token")
async def test_metrics_name_routes_by_template_and_need_the_token(
    client: httpx.AsyncClient, make_user: MakeUser, seeded: None, caplog: pytest.LogCaptureFixture
) -> None:
    assert (await client.get("/metrics")).status_code == 401
    assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    missing = str(uuid.uuid4())
    with caplog.at_level(logging.INFO, logger="backend.access"):
        answer = await client.get(f"/v1/events/{missing}", headers=officer.headers)
    assert answer.status_code == 404
    (line,) = [record for record in caplog.records if getattr(record, "path", "").endswith(missing)]
    assert (line.route, line.role) == ("/v1/events/{event_id}", "field_officer")  # type: ignore[attr-defined]
    assert officer.uid not in caplog.text
    scraped = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    text = scraped.text
    for name in NAMES:
        assert (
            f"\n{name}" in text or text.startswith(name) or f"# TYPE {name.removesuffix('_bucket')}" in text
        )
    assert 'route="/v1/events/{event_id}",status="404"' in text
    assert missing not in text  # never a raw path
    assert 'hamqadam_problems_total{code="not_found"}' in text
    assert 'hamqadam_database_command_duration_seconds_count{command="find",outcome="ok"}' in text


@pytest.mark.usefixtures("with_token")
async def test_rate_limit_refusals_are_counted_by_rule(client: httpx.AsyncClient) -> None:
    def refusals(text: str) -> float:
        for line in text.splitlines():
            if line.startswith('hamqadam_rate_limit_refusals_total{rule="console_sign_in"}'):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = refusals((await client.get("/metrics", headers=auth)).text)
    await client.get("/console/sign-in")
    token = client.cookies.get("hq_csrf") or ""
    statuses = [
        (
            await client.post("/console/session", json={"id_token": "x.y.z"}, headers={"X-CSRF-Token": token})
        ).status_code
        for _ in range(12)
    ]
    assert 429 in statuses
    assert refusals((await client.get("/metrics", headers=auth)).text) == before + statuses.count(429)


def test_a_route_is_named_by_its_template_whatever_its_parameters_hold() -> None:
    route = object()
    scope = {
        "route": route,
        "path": "/v1/things/a%20b/parts/a%20b",
        "path_params": {"thing": "a b", "part": "a b"},
    }
    assert route_of(scope) == "/v1/things/{thing}/parts/{part}"
    assert route_of({"path": "/nowhere/123"}) == "unmatched"  # no route answered: never the raw path
