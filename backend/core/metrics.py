"""Prometheus metrics of this process (prometheus_client), scraped at `/metrics` (metrics_route.py).

Labels are bounded: a route is its template (`/v1/events/{event_id}`, never a raw path with ids), an
error its problem code, a database command its name. Features count their own events through the
metrics here (core imports no feature).
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from prometheus_client import Counter, Gauge, Histogram
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

REQUESTS = Counter("hamqadam_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
REQUEST_SECONDS = Histogram(
    "hamqadam_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
PROBLEMS = Counter("hamqadam_problems_total", "Problem responses (RFC 9457) by their code", ["code"])
DATABASE_SECONDS = Histogram(
    "hamqadam_database_command_duration_seconds",
    "Time a MongoDB command took, by command and outcome",
    ["command", "outcome"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0),
)
RATE_LIMIT_REFUSALS = Counter(
    "hamqadam_rate_limit_refusals_total", "Requests refused by a rate limit (429), by rule", ["rule"]
)
ALERT_PUSHES = Counter(
    "hamqadam_alert_pushes_total", "Alert pushes by outcome (sent, failed, held, released)", ["outcome"]
)
ALERT_BACKLOG = Gauge(
    "hamqadam_alert_batches_waiting", "Alert batches waiting to be sent, as the last worker pass saw them"
)
PDF_PRINTS_WAITING = Gauge("hamqadam_pdf_prints_waiting", "Brief PDFs waiting for the printer")
PDF_PRINTS_RUNNING = Gauge("hamqadam_pdf_prints_running", "Brief PDFs being printed")

UNMATCHED = "unmatched"


def route_of(scope: Mapping[str, Any]) -> str:
    """The template of the route that answered (`/v1/events/{event_id}`), never the raw path: each path
    segment that is a path parameter's value is put back as `{name}` (a nested router's route knows only
    its own part of the template)."""
    if scope.get("route") is None:
        return UNMATCHED
    names: dict[str, list[str]] = {}
    for name, value in (scope.get("path_params") or {}).items():
        names.setdefault(unquote(str(value)), []).append(name)
    segments = [unquote(part) for part in str(scope.get("path", "")).split("/")]
    return "/".join(f"{{{names[part].pop(0)}}}" if names.get(part) else part for part in segments)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    REQUEST_SECONDS.labels(method=method, route=route).observe(seconds)


class DatabaseTimer(CommandListener):
    """A PyMongo command listener: each command's duration, by its name and whether it succeeded."""

    def started(self, event: CommandStartedEvent) -> None:
        """Nothing to do: the driver reports the duration when the command ends."""

    def succeeded(self, event: CommandSucceededEvent) -> None:
        DATABASE_SECONDS.labels(command=event.command_name, outcome="ok").observe(event.duration_micros / 1e6)

    def failed(self, event: CommandFailedEvent) -> None:
        DATABASE_SECONDS.labels(command=event.command_name, outcome="failed").observe(
            event.duration_micros / 1e6
        )
